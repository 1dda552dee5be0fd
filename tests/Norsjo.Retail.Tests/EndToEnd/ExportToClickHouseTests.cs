using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// A sale's whole journey on real parts: a till export in the agent's folder, the agent's outbox,
/// gRPC to the hub on loopback, and the hub's rows in a real ClickHouse, read back with SQL.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ExportToClickHouseTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-bastutrask";

    private sealed record Totals(long Receipts, long GrossOre, long VatOre, long ReturnedGrossOre);

    private sealed record Amount(string Key, long Ore);

    private sealed record Text(string Value);

    [Fact]
    public async Task An_export_arrives_in_ClickHouse_with_exactly_its_totals_and_no_personal_data()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));
        var receipts = DemoSales.Day(new DateOnly(2026, 3, 14), 180, 5000, new Random(42));

        var file = agent.Drop("kassa-20260314.csv", ReceiptCsv.Write(receipts));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file), "the export was taken and every batch acknowledged");

        var stored = await TotalsAsync(hub.Database);
        Assert.Equal(receipts.Count, stored.Receipts);
        Assert.Equal(receipts.Sum(r => r.GrossOre), stored.GrossOre);
        Assert.Equal(receipts.SelectMany(r => r.Items).Where(i => i.Returned).Sum(i => i.AmountOre), stored.ReturnedGrossOre);
        Assert.True(receipts.SelectMany(r => r.Items).Any(i => i.Returned), "the seed should give at least one return");

        // VAT is derived from gross per category and rate, rounded to whole öre once per group.
        var exactVat = receipts.SelectMany(r => r.Items)
            .Sum(i => (i.Returned ? -i.AmountOre : i.AmountOre) * (decimal)i.VatPercent / (100 + i.VatPercent));
        Assert.InRange(stored.VatOre, exactVat - receipts.Count, exactVat + receipts.Count);

        var byCategory = await hub.Database.QueryAsync<Amount>(
            $"SELECT category AS Key, sum(gross_ore) AS Ore FROM receipt_lines FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} GROUP BY category ORDER BY category");
        var expectedByCategory = receipts.SelectMany(r => r.Items)
            .GroupBy(i => i.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Amount(g.Key, g.Sum(i => i.Returned ? -i.AmountOre : i.AmountOre)));
        Assert.Equal(expectedByCategory, byCategory);

        var byMethod = await hub.Database.QueryAsync<Amount>(
            $"SELECT toString(method) AS Key, sum(amount_ore) AS Ore FROM receipt_payments FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} GROUP BY Key ORDER BY Key");
        var expectedByMethod = receipts.SelectMany(r => r.Payments)
            .GroupBy(p => p.Method).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Amount(g.Key, g.Sum(p => p.AmountOre)));
        Assert.Equal(expectedByMethod, byMethod);

        // Nothing that names a person or a receipt reaches the hub: check every stored text.
        var storedText = await hub.Database.QueryAsync<Text>(
            """
            SELECT concat(receipt_key, ' ', batch_id, ' ', store_id) AS Value FROM receipts
            UNION ALL SELECT concat(receipt_key, ' ', category) AS Value FROM receipt_lines
            UNION ALL SELECT receipt_key AS Value FROM receipt_payments
            """);
        var everything = string.Join("\n", storedText.Select(t => t.Value));
        // Receipt numbers are digits, which also occur inside hex hashes: look for them as whole words.
        var words = everything.Split([' ', '\n']).ToHashSet();
        Assert.DoesNotContain("*", everything, StringComparison.Ordinal);
        foreach (var receipt in receipts)
        {
            Assert.DoesNotContain(receipt.Cashier, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(receipt.ReceiptNumber, words);
            if (receipt.LoyaltyId is not null)
            {
                Assert.DoesNotContain(receipt.LoyaltyId, everything, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_same_export_dropped_twice_counts_once()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));
        var receipts = DemoSales.Day(new DateOnly(2026, 5, 2), 40, 100, new Random(7));
        var csv = ReceiptCsv.Write(receipts);

        var first = agent.Drop("kassa-20260502.csv", csv);
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(first), "first copy delivered");
        var again = agent.Drop("kassa-20260502-igen.csv", csv);
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(again), "second copy taken");

        var stored = await TotalsAsync(hub.Database);
        Assert.Equal(receipts.Count, stored.Receipts);
        Assert.Equal(receipts.Sum(r => r.GrossOre), stored.GrossOre);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(agent.ExportFolder, "behandlade"), "*.csv", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task A_malformed_line_is_reported_and_the_rest_of_the_file_arrives()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));
        var csv = string.Join('\n',
            ReceiptCsv.Header,
            "1001;2026-06-01 09:14:32;in_store;item;dagligvaror;6;45,90;1;;Anna;;",
            "1001;2026-06-01 09:14:32;in_store;payment;;;45,90;;card;Anna;;************1234",
            "1002;2026-06-01 09:20:05;in_store;item;dagligvaror;6;tolv kronor;1;;Anna;;",
            "1002;2026-06-01 09:20:05;in_store;payment;;;12,00;;cash;Anna;;",
            "1003;2026-06-01 10:01:59;in_store;item;tobak;25;1 089,50;1;;Erik;LOJ-123456;",
            "1003;2026-06-01 10:01:59;in_store;payment;;;1 089,50;;swish;Erik;LOJ-123456;") + "\n";

        var file = agent.Drop("kassa-20260601.csv", csv);
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file), "the good part delivered");

        var stored = await TotalsAsync(hub.Database);
        Assert.Equal(2, stored.Receipts);
        Assert.Equal(4590 + 108950, stored.GrossOre);
        var report = File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(agent.ExportFolder, "fel"), "*.fel.txt")));
        Assert.Contains("rad 4:", report, StringComparison.Ordinal);
        Assert.Contains("amount \"tolv kronor\"", report, StringComparison.Ordinal);
        Assert.Contains("Kvitto 1002 skickas inte", report, StringComparison.Ordinal);
        Assert.DoesNotContain("rad 2:", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sales_wait_in_the_outbox_while_the_hub_is_away_and_arrive_when_it_returns()
    {
        // The hub's address and certificate are known to the agent, as for a real agent; the hub is away.
        using var away = await HubAway.EnrolledAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential);
        var receipts = DemoSales.Day(new DateOnly(2026, 7, 1), 30, 1, new Random(3));

        var file = agent.Drop("kassa-20260701.csv", ReceiptCsv.Write(receipts));
        await Eventually.WaitUntilAsync(() => !File.Exists(file), "the export was taken while the hub is away");
        Assert.Equal(receipts.Count + receipts.Count(r => r.Delivery is not null), agent.Outbox.Status().Items); // a home delivery is an item of its own
        await Eventually.WaitUntilAsync(() => agent.Outbox.Status().LastError is not null, "the agent tried, failed and kept the batch");

        await using var hub = await away.ReturnAsync();
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file), "delivered once the hub is back");

        var stored = await TotalsAsync(hub.Database);
        Assert.Equal(receipts.Count, stored.Receipts);
        Assert.Equal(receipts.Sum(r => r.GrossOre), stored.GrossOre);
    }

    private static async Task<Totals> TotalsAsync(ClickHouseDatabase database) =>
        (await database.QueryAsync<Totals>(
            $"""
            SELECT count() AS Receipts, sum(gross_ore) AS GrossOre, sum(vat_ore) AS VatOre, sum(returned_gross_ore) AS ReturnedGrossOre
            FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}
            """)).Single();
}
