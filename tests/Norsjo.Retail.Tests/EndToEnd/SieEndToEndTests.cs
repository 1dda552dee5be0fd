using System.Text;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Agent.Sie;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>Issue #16 end to end: the real agent reading SIE files into the real hub.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class SieEndToEndTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-kusfors";

    private sealed record Amount(string Key, long Ore);

    private static async Task<List<Amount>> SalesAsync(RunningHub hub) => [.. await hub.Database.QueryAsync<Amount>(
        $"SELECT concat(toString(business_date), ' ', toString(vat_rate_bp)) AS Key, sum(gross_ore) AS Ore FROM daily_sales FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} GROUP BY Key ORDER BY Key")];

    private static async Task<List<Amount>> PaymentsAsync(RunningHub hub) => [.. await hub.Database.QueryAsync<Amount>(
        $"SELECT concat(toString(business_date), ' ', toString(method)) AS Key, sum(amount_ore) AS Ore FROM daily_payments FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} GROUP BY Key ORDER BY Key")];

    [Fact]
    public async Task ES_Kassasystem_Z_reports_reach_the_hub_as_each_days_sales_per_rate_and_payments()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId), "--Agent:Sie:Profile=es-kassasystem");

        var file = RunningAgent.Drop(agent.SieFolder, "ReportOutput_20260308.se", SieFixtures.Cp437.GetBytes(SieFixtures.EsFile()));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file), "the Z-reports delivered");

        var sales = await SalesAsync(hub);
        Assert.Contains(new Amount("2026-03-05 2500", 750_000), sales);
        Assert.Contains(new Amount("2026-03-05 1200", 1_680_000), sales);
        Assert.Contains(new Amount("2026-03-06 1200", 3_360_000), sales);
        Assert.Equal(9_720_000, sales.Sum(s => s.Ore)); // 24,300 + 48,600 + 24,300 kr
        var payments = await PaymentsAsync(hub);
        Assert.Contains(new Amount("2026-03-05 card", 1_700_000), payments);
        Assert.Contains(new Amount("2026-03-05 swish", 400_000), payments);
        Assert.Contains(new Amount("2026-03-05 cash", 330_040), payments);
        Assert.False(Directory.Exists(Path.Combine(agent.SieFolder, "fel")) && Directory.EnumerateFiles(Path.Combine(agent.SieFolder, "fel")).Any());
    }

    private const string FirstExport = """
        #FLAGGA 0
        #VER A 1 20260601 "Dagskassa"
        {
        #TRANS 1910 {} 1120.00
        #TRANS 1580 {} 1250.00
        #TRANS 3001 {} -1000.00
        #TRANS 2611 {} -250.00
        #TRANS 3002 {} -1000.00
        #TRANS 2621 {} -120.00
        }

        """;

    private const string NewerExport = """
        #FLAGGA 0
        #VER A 1 20260601 "Dagskassa, rättad"
        {
        #TRANS 1580 {} 1250.00
        #TRANS 3001 {} -1000.00
        #TRANS 2611 {} -250.00
        }

        """;

    [Fact]
    public async Task A_newer_file_for_a_day_replaces_every_rate_and_method_of_the_day_even_those_now_zero()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));

        var first = RunningAgent.Drop(agent.SieFolder, "dag.se", Encoding.ASCII.GetBytes(FirstExport));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(first), "the first export delivered");
        Assert.Equal(237_000, (await SalesAsync(hub)).Sum(s => s.Ore));
        var newer = RunningAgent.Drop(agent.SieFolder, "dag-ny.se", Encoding.ASCII.GetBytes(NewerExport));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(newer), "the newer export delivered");

        var sales = await SalesAsync(hub);
        Assert.Equal(125_000, sales.Sum(s => s.Ore));
        Assert.DoesNotContain(sales, s => s.Key == "2026-06-01 1200" && s.Ore != 0);
        var payments = await PaymentsAsync(hub);
        Assert.Equal(125_000, payments.Sum(p => p.Ore));
        Assert.DoesNotContain(payments, p => p.Key == "2026-06-01 cash" && p.Ore != 0);
    }

    [Fact]
    public async Task The_hub_replaces_a_day_whole_whatever_rates_and_methods_the_newer_totals_leave_out()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var credential = await hub.EnrollAsync(StoreId);
        using var channel = hub.Channel();
        var client = new Ingest.IngestClient(channel);
        var day = new LocalDate { Year = 2026, Month = 6, Day = 1 };
        var older = new DailyTotal
        {
            Date = day,
            Source = DailySource.Sie4,
            Sales = { new DailySales { VatRateBasisPoints = 2500, GrossOre = 125_000, VatOre = 25_000 }, new DailySales { VatRateBasisPoints = 1200, GrossOre = 112_000, VatOre = 12_000 } },
            Payments = { new Payment { Method = PaymentMethod.Cash, AmountOre = 112_000 }, new Payment { Method = PaymentMethod.Card, AmountOre = 125_000 } },
        };
        var newer = new DailyTotal
        {
            Date = day,
            Source = DailySource.Sie4,
            Sales = { new DailySales { VatRateBasisPoints = 2500, GrossOre = 125_000, VatOre = 25_000 } },
            Payments = { new Payment { Method = PaymentMethod.Card, AmountOre = 125_000 } },
        };
        await client.UploadBatchAsync(new UploadBatchRequest { StoreId = StoreId, BatchId = "dag-1", DailyTotals = { older } }, RunningHub.Credential(credential));
        await client.UploadBatchAsync(new UploadBatchRequest { StoreId = StoreId, BatchId = "dag-2", DailyTotals = { newer } }, RunningHub.Credential(credential));
        // Two copies of a day in one batch: the last is the day.
        await client.UploadBatchAsync(new UploadBatchRequest { StoreId = StoreId, BatchId = "dag-3", DailyTotals = { older, newer } }, RunningHub.Credential(credential));

        Assert.Equal(125_000, (await SalesAsync(hub)).Sum(s => s.Ore));
        Assert.Equal([new Amount("2026-06-01 card", 125_000), new Amount("2026-06-01 cash", 0)], await PaymentsAsync(hub));
    }

    [Fact]
    public async Task A_held_back_day_goes_to_fel_as_whole_vouchers_in_the_files_own_encoding()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));
        const string header = "#FLAGGA 0\r\n#FORMAT PC8\r\n#FNAMN \"Åsa Öbergs Lanthandel\"\r\n";
        const string good = "#VER A 1 20260601 \"Dagskassa\"\r\n{\r\n#TRANS 1910 {} 125.00\r\n#TRANS 3001 {} -100.00\r\n#TRANS 2611 {} -25.00\r\n}\r\n";
        const string bad = "#VER A 2 20260602 \"Försäljning på Åsas kassa\"\r\n{\r\n#TRANS 1910 {} 130.00 20260602 \"Kontant, öresavrundat\"\r\n#TRANS 3001 {} -100.00\r\n#TRANS 2611 {} -25.00\r\n}\r\n";
        var cp437 = SieFixtures.Cp437;

        var file = RunningAgent.Drop(agent.SieFolder, "juni.se", cp437.GetBytes(header + good + bad));
        var felrader = Path.Combine(agent.SieFolder, "fel", "juni.felrader.se");
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file) && File.Exists(felrader), "taken, the bad day set aside");

        Assert.Equal(cp437.GetBytes(header + bad), await File.ReadAllBytesAsync(felrader));
        var report = await File.ReadAllTextAsync(Path.Combine(agent.SieFolder, "fel", "juni.se.fel.txt"));
        Assert.Contains("A 2 balanserar inte", report, StringComparison.Ordinal);
        Assert.Contains("2026-06-02", report, StringComparison.Ordinal);
        Assert.Equal(12_500, (await SalesAsync(hub)).Sum(s => s.Ore));
    }

    [Fact]
    public async Task A_day_the_hub_refuses_reaches_fel_in_Swedish_and_the_other_days_are_stored()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));
        const string twoDays = """
            #FLAGGA 0
            #VER A 1 20191230 "Dagskassa"
            {
            #TRANS 1910 {} 125.00
            #TRANS 3001 {} -100.00
            #TRANS 2611 {} -25.00
            }
            #VER A 2 20260601 "Dagskassa"
            {
            #TRANS 1910 {} 62.50
            #TRANS 3001 {} -50.00
            #TRANS 2611 {} -12.50
            }

            """;

        var file = RunningAgent.Drop(agent.SieFolder, "dagar.se", Encoding.ASCII.GetBytes(twoDays));
        var report = Path.Combine(agent.SieFolder, "fel", "avvisad-dag-2019-12-30.fel.txt");
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file) && File.Exists(report), "the refused day reported in fel/");

        var text = await File.ReadAllTextAsync(report);
        Assert.Contains("Hubben tog inte emot dagen 2019-12-30", text, StringComparison.Ordinal);
        Assert.Contains("före butikens första dag 2020-01-01", text, StringComparison.Ordinal);
        Assert.Contains("125,00 kr", text, StringComparison.Ordinal);
        Assert.Equal(6_250, (await SalesAsync(hub)).Sum(s => s.Ore));
    }
}
