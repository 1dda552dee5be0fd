using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// Sales full of personal data go in through every source; none of it may be found in the outbox
/// file, in the batches the agent uploads, in the agent's log, or in what the hub stored.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class AnonymisationTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-kusfors";

    private static readonly string[] Secrets =
    [
        "KVITTO-77810", "KVITTO-77811", "KVITTO-77812", "Cecilia Kassörsson", "LOJ-SECRET-1", "4242", "Hemligvägen 12",
        "Gunnar Patientsson", "Bertil Bokföringsson", "Doris Mottagare", "Tallstigen 3", "KUND-99127", "Medicin åt",
    ];

    private sealed record Text(string Value);

    [Fact]
    public async Task No_personal_data_from_any_source_reaches_the_outbox_the_uploads_the_log_or_the_hub()
    {
        using var away = await HubAway.EnrolledAsync(clickHouse.Url, StoreId);
        using var agentFolder = new TempFolder("agent");
        var posPort = FreePort.Next();
        string[] sources = ["--Agent:SieFolder=" + Path.Combine(agentFolder.Path, "sie"), "--Agent:PosPlugin:Enabled=true",
            $"--Agent:PosPlugin:Port={posPort}", "--Agent:Localities:Kusfors=12000"];

        // 1. The hub is away: everything the sources take stays in the outbox.
        var agent = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential, agentFolder, sources);
        var csv = RunningAgent.Drop(agent.ExportFolder, "kassa.csv", Encoding.UTF8.GetBytes(string.Join('\n',
            "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method;cashier;customer_id;card_number;household;locality;distance_km",
            "KVITTO-77810;2026-11-20 10:01:17;home_delivery;item;dagligvaror;6;245,00;1;;Cecilia Kassörsson;LOJ-SECRET-1;;;;",
            "KVITTO-77810;2026-11-20 10:01:17;home_delivery;payment;;;245,00;;card;Cecilia Kassörsson;LOJ-SECRET-1;************4242;;;",
            "KVITTO-77810;2026-11-20 10:01:17;home_delivery;delivery;;;;;;Cecilia Kassörsson;LOJ-SECRET-1;;Hemligvägen 12;Kusfors;") + "\n"));
        var jsonl = RunningAgent.Drop(agent.ExportFolder, "kassa.jsonl", Encoding.UTF8.GetBytes(
            """{"receipt_no":"KVITTO-77811","time":"2026-11-20T11:00:00","cashier":"Cecilia Kassörsson","customer":{"name":"Gunnar Patientsson"},"items":[{"category":"receptfria_lakemedel","vat_percent":25,"amount":"99,00","description":"Medicin åt Gunnar Patientsson"}],"payments":[{"method":"swish","amount":99}]}""" + "\n"));
        var sie = RunningAgent.Drop(agent.SieFolder, "dag.se", Encoding.UTF8.GetBytes(string.Join('\n',
            "#FLAGGA 0", "#SIETYP 4", "#VER A 1 20261120 \"Kvitto till Bertil Bokföringsson\"", "{",
            "#TRANS 1910 {} 125.00 20261120 \"Bertil Bokföringsson betalade\"", "#TRANS 3001 {} -100.00", "#TRANS 2611 {} -25.00", "}") + "\n"));
        await SendPosSaleAsync(posPort);
        await Eventually.WaitUntilAsync(() => !File.Exists(csv) && !File.Exists(jsonl) && !File.Exists(sie) && agent.Outbox.Status().Items == 6,
            "all four sources have put their items in the outbox",
            () => $"items {agent.Outbox.Status().Items}, files left: {string.Join(", ", new[] { csv, jsonl, sie }.Where(File.Exists))}; log:\n{string.Join('\n', agent.Log)}");
        await Eventually.WaitUntilAsync(() => agent.Outbox.Status().LastError is not null, "the agent has tried to upload");
        await agent.StopAsync();

        SqliteConnection.ClearAllPools();
        var data = Path.Combine(agentFolder.Path, "data");
        var outboxBytes = Directory.GetFiles(data, "outbox.db*").SelectMany(File.ReadAllBytes).ToArray();
        AssertNoSecrets("the outbox file", Encoding.UTF8.GetString(outboxBytes) + Encoding.Latin1.GetString(outboxBytes));
        AssertNoSecrets("the agent's log", string.Join('\n', agent.Log));
        AssertNoSecrets("the uploads", UploadsOf(data));

        // 2. The hub is back: the same agent delivers, and the hub holds nothing personal either.
        await using var hub = await away.ReturnAsync();
        await using var again = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential, agentFolder, sources);
        await Eventually.WaitUntilAsync(() => again.Outbox.Status().Items == 0, "delivered");
        var stored = await hub.Database.QueryAsync<Text>(
            """
            SELECT concat(receipt_key, ' ', batch_id) AS Value FROM receipts
            UNION ALL SELECT concat(receipt_key, ' ', category) AS Value FROM receipt_lines
            UNION ALL SELECT concat(delivery_key, ' ', household_key, ' ', locality) AS Value FROM home_deliveries
            UNION ALL SELECT toString(business_date) AS Value FROM daily_sales
            """);
        Assert.Equal("2", (await hub.Database.QueryAsync<Text>("SELECT toString(count()) AS Value FROM home_deliveries FINAL")).Single().Value);
        Assert.Equal("3", (await hub.Database.QueryAsync<Text>("SELECT toString(count()) AS Value FROM receipts FINAL")).Single().Value);
        Assert.Equal("12500", (await hub.Database.QueryAsync<Text>("SELECT toString(sum(gross_ore)) AS Value FROM daily_sales FINAL")).Single().Value);
        AssertNoSecrets("the hub's tables", string.Join('\n', stored.Select(s => s.Value)));
        AssertNoSecrets("the agent's log", string.Join('\n', again.Log));
    }

    private static async Task SendPosSaleAsync(int port)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new PosPlugin.PosPluginClient(channel);
        var sale = new PosSale
        {
            ReceiptNumber = "KVITTO-77812",
            LocalTime = "2026-11-20T12:30:45",
            Channel = Channel.HomeDelivery,
            CashierName = "Cecilia Kassörsson",
            LoyaltyId = "LOJ-SECRET-1",
            CustomerName = "Doris Mottagare",
            Items = { new PosSaleItem { Category = "dagligvaror", VatPercent = 6, AmountOre = 31_000, Description = "Medicin åt Doris Mottagare" } },
            Payments = { new PosSalePayment { Method = PaymentMethod.Invoice, AmountOre = 31_000, MaskedCardNumber = "************4242" } },
            Delivery = new PosSaleDelivery { HouseholdId = "KUND-99127", RecipientName = "Doris Mottagare", Address = "Tallstigen 3", Locality = "Kusfors" },
        };
        // The endpoint starts with the agent; wait until it answers.
        await Eventually.WaitUntilAsync(() =>
        {
            try
            {
                return client.RecordSale(sale, deadline: DateTime.UtcNow.AddSeconds(5)).Stored;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable)
            {
                return false;
            }
        }, "the POS plug-in endpoint stored the sale");
    }

    /// <summary>Every batch the agent would send, serialised as on the wire, from a copy of its outbox.</summary>
    private static string UploadsOf(string dataFolder)
    {
        using var copy = new TempFolder("outbox-copy");
        foreach (var file in Directory.GetFiles(dataFolder, "outbox.db*"))
        {
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        }

        using var outbox = new SqliteOutbox(copy.Path);
        var text = new StringBuilder();
        var batches = 0;
        while (outbox.NextBatch(StoreId, 500, 1 << 20) is { } batch)
        {
            var bytes = batch.Request.ToByteArray();
            text.Append(Encoding.UTF8.GetString(bytes)).Append(Encoding.Latin1.GetString(bytes));
            outbox.Acknowledge(batch.Request.BatchId);
            batches++;
        }

        SqliteConnection.ClearAllPools();
        Assert.True(batches > 0);
        return text.ToString();
    }

    private static void AssertNoSecrets(string where, string text)
    {
        foreach (var secret in Secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' was found in {where}");
        }
    }
}
