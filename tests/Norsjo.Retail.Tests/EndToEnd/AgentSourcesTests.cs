using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>The SIE folder, the POS plug-in and the agent's commands, end to end on a real hub.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class AgentSourcesTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-norsjovallen";

    private sealed record Amount(string Key, long Ore);

    private const string Sie = """
        #SIETYP 4
        #VER A 1 20261101 "Dagskassa"
        {
        #TRANS 1910 {} 125.00
        #TRANS 1580 {} 212.00
        #TRANS 3001 {} -100.00
        #TRANS 2611 {} -25.00
        #TRANS 3003 {} -200.00
        #TRANS 2631 {} -12.00
        }
        #VER A 2 20261102 "Dagskassa"
        {
        #TRANS 1930 {} 56.00
        #TRANS 3002 {} -50.00
        #TRANS 2621 {} -6.00
        }
        """;

    [Fact]
    public async Task A_SIE_file_gives_daily_totals_once_however_often_it_is_dropped()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));

        var first = RunningAgent.Drop(agent.SieFolder, "november.se", Encoding.GetEncoding("iso-8859-1").GetBytes(Sie));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(first), "first copy delivered");
        var again = RunningAgent.Drop(agent.SieFolder, "november-igen.se", Encoding.GetEncoding("iso-8859-1").GetBytes(Sie));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(again), "second copy taken");

        var sales = await hub.Database.QueryAsync<Amount>(
            $"SELECT concat(toString(business_date), ' ', toString(vat_rate_bp)) AS Key, sum(gross_ore) AS Ore FROM daily_sales FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} GROUP BY Key HAVING Ore != 0 ORDER BY Key");
        Assert.Equal([new Amount("2026-11-01 2500", 12_500), new Amount("2026-11-01 600", 21_200), new Amount("2026-11-02 1200", 5_600)], sales);
        var payments = await hub.Database.QueryAsync<Amount>(
            $"SELECT toString(method) AS Key, sum(amount_ore) AS Ore FROM daily_payments FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} GROUP BY Key HAVING Ore != 0 ORDER BY Key");
        Assert.Equal([new Amount("card", 21_200), new Amount("cash", 12_500), new Amount("swish", 5_600)], payments);
    }

    [Fact]
    public async Task The_POS_plugin_stores_a_sale_once_refuses_an_impossible_one_and_answers_only_on_loopback()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var port = FreePort.Next();
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId),
            "--Agent:PosPlugin:Enabled=true", $"--Agent:PosPlugin:Port={port}", "--Agent:Localities:Kusfors=12000");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new PosPlugin.PosPluginClient(channel);
        var sale = new PosSale
        {
            ReceiptNumber = "55",
            LocalTime = "2026-11-20T14:02:09",
            Channel = Channel.HomeDelivery,
            Items = { new PosSaleItem { Category = "dagligvaror", VatPercent = 12, AmountOre = 20_000, QuantityMilli = 2000 } },
            Payments = { new PosSalePayment { Method = PaymentMethod.Swish, AmountOre = 20_000 } },
            Delivery = new PosSaleDelivery { HouseholdId = "K-1", Locality = "Kusfors" },
        };
        await Eventually.WaitUntilAsync(() =>
        {
            try
            {
                return client.RecordSale(sale).Stored;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, "the endpoint answers", () => string.Join('\n', agent.Log.Where(l => l.Contains("POS", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal))));
        Assert.True((await client.RecordSaleAsync(sale)).Stored);

        var impossible = sale.Clone();
        impossible.ReceiptNumber = "56";
        impossible.Items[0].VatPercent = 19;
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.RecordSaleAsync(impossible).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("items[0].vat_percent", refused.Status.Detail, StringComparison.Ordinal);

        await Eventually.WaitUntilAsync(() => agent.Outbox.Status().Items == 0, "delivered");
        var delivered = await hub.Database.QueryAsync<Amount>(
            "SELECT concat(locality, ' ', toString(distance_m)) AS Key, order_value_ore AS Ore FROM home_deliveries FINAL");
        Assert.Equal([new Amount("Kusfors 12000", 20_000)], delivered);
        Assert.Equal([new Amount("receipts", 1)], await hub.Database.QueryAsync<Amount>("SELECT 'receipts' AS Key, count() AS Ore FROM receipts FINAL"));
        // Every listening socket on the plug-in's port is bound to 127.0.0.1 (0100007F in /proc/net/tcp).
        var listening = File.ReadAllLines("/proc/net/tcp").Concat(File.ReadAllLines("/proc/net/tcp6")).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && f[1].EndsWith($":{port:X4}", StringComparison.Ordinal))
            .Select(f => f[1].Split(':')[0])
            .ToList();
        Assert.Equal(["0100007F"], listening);
    }

    [Fact]
    public async Task The_delivery_evidence_stays_in_the_store_and_matches_the_hubs_keys()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId), "--Agent:Localities:Kusfors=12000");
        var file = agent.Drop("lev.csv", string.Join('\n',
            "receipt_no;time;channel;row_type;category;vat_percent;amount;household;locality;distance_km",
            "901;2026-11-03 10:00;home_delivery;item;dagligvaror;6;250,00;;;",
            "901;2026-11-03 10:00;home_delivery;delivery;;;;Greta Gran, Storgatan 9;Kusfors;") + "\n");
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file), "delivered");

        using var output = new StringWriter();
        Assert.Equal(0, await AgentCommandLine.RunAsync(["evidence", "--month", "2026-11", "--Agent:DataDirectory=" + agent.DataFolder], output));
        var line = output.ToString().Split('\n')[1].Split(';');
        var stored = (await hub.Database.QueryAsync<Amount>("SELECT concat(delivery_key, ' ', household_key) AS Key, order_value_ore AS Ore FROM home_deliveries FINAL")).Single();

        Assert.Equal(["2026-11-03", "901", "Greta Gran, Storgatan 9", "Kusfors", "12.0", "250.00"], line[..6]);
        Assert.Equal(stored.Key, line[6] + " " + line[7].Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(agent.DataFolder, "evidence.db")));
        var outbox = string.Concat(Directory.GetFiles(agent.DataFolder, "outbox.db*").Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain("Storgatan", outbox, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_stores_the_credential_privately_and_status_tells_what_waits()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var code = await hub.Services.GetRequiredService<StoreCredentials>().IssueEnrollmentCodeAsync(StoreId);
        using var folder = new TempFolder("agent-cli");
        var data = Path.Combine(folder.Path, "data");
        var settings = new[] { "--Agent:HubUrl=" + hub.GrpcUrl, "--Agent:HubCertificate=" + hub.CertificatePath, "--Agent:DataDirectory=" + data };
        using var output = new StringWriter();

        Assert.Equal(0, await AgentCommandLine.RunAsync(["enroll", "--code", code, .. settings], output));
        Assert.Contains($"Enrolled as store {StoreId}", output.ToString(), StringComparison.Ordinal);
        var enrollment = Path.Combine(data, "enrollment.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(enrollment));
        Assert.Equal(1, await AgentCommandLine.RunAsync(["enroll", "--code", code, .. settings], output));

        // The enrolled agent runs without any credential in its configuration.
        await using (var agent = await RunningAgent.StartAsync(hub.GrpcUrl, hub.CertificatePath, "", "", folder))
        {
            var file = agent.Drop("k.csv", "receipt_no;time;row_type;category;vat_percent;amount\n1;2026-11-20 10:00;item;dagligvaror;6;10,00\n");
            await Eventually.WaitUntilAsync(() => agent.HasDelivered(file), "delivered with the enrolled credential");
        }

        using var status = new StringWriter();
        Assert.Equal(0, await AgentCommandLine.RunAsync(["status", .. settings], status));
        Assert.Contains($"Store:     {StoreId}", status.ToString(), StringComparison.Ordinal);
        Assert.Contains("Queue:     0 items waiting", status.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Last sent: never", status.ToString(), StringComparison.Ordinal);
    }
}
