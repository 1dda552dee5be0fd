using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

[Collection(ClickHouseGroup.Name)]
public sealed class OperationsTests(ClickHouseServerFixture clickHouse)
{
    private sealed record Row(string StoreId, long Rows);

    [Fact]
    public async Task With_ClickHouse_down_the_hub_answers_unavailable_stores_nothing_and_carries_on_when_it_returns()
    {
        using var folder = new TempFolder("ch-restart");
        var (http, tcp) = (FreePort.Next(), FreePort.Next());
        var server = await LocalClickHouseServer.StartAsync(folder.Path, httpPort: http, tcpPort: tcp);
        try
        {
            await using var hub = await RunningHub.StartAsync(server.ConnectionUrl, "butik-a");
            var headers = RunningHub.Credential(await hub.EnrollAsync("butik-a"));
            using var channel = hub.Channel();
            var client = new Ingest.IngestClient(channel);
            using var httpClient = new HttpClient { BaseAddress = hub.HttpUrl };
            await client.UploadBatchAsync(Batch("butik-a", "before", Sale("k1", 1_000)), headers);

            await server.DisposeAsync();
            var refused = await Assert.ThrowsAsync<RpcException>(() =>
                client.UploadBatchAsync(Batch("butik-a", "during", Sale("k2", 2_000)), headers).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await httpClient.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

            server = await LocalClickHouseServer.StartAsync(folder.Path, httpPort: http, tcpPort: tcp);
            var reply = await client.UploadBatchAsync(Batch("butik-a", "during", Sale("k2", 2_000)), headers);
            Assert.False(reply.AlreadyStored);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await httpClient.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
            var stored = await hub.Database.QueryAsync<Row>("SELECT store_id AS StoreId, sum(gross_ore) AS Rows FROM receipts FINAL GROUP BY store_id");
            Assert.Equal([new Row("butik-a", 3_000)], stored);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_ClickHouse_too_slow_the_hub_answers_unavailable_in_time_and_stores_nothing()
    {
        await using var proxy = new PausableTcpProxy(clickHouse.Url);
        await using var hub = await RunningHub.StartAsync(proxy.Url, new HubSettings(ExtraArgs: ["--ClickHouse:RequestTimeout=00:00:01"]), "butik-a");
        var headers = RunningHub.Credential(await hub.EnrollAsync("butik-a"));
        using var channel = hub.Channel();
        var client = new Ingest.IngestClient(channel);

        proxy.Pause();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            client.UploadBatchAsync(Batch("butik-a", "slow", Sale("k1", 1_000)), headers).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        proxy.Resume();

        var stored = await hub.Database.QueryAsync<Row>("SELECT store_id AS StoreId, count() AS Rows FROM ingest_batches GROUP BY store_id");
        Assert.Empty(stored);
        Assert.False((await client.UploadBatchAsync(Batch("butik-a", "slow", Sale("k1", 1_000)), headers)).AlreadyStored);
    }

    [Fact]
    public async Task Health_and_metrics_report_what_the_hub_did()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        var headers = RunningHub.Credential(await hub.EnrollAsync("butik-a"));
        using var channel = hub.Channel();
        var client = new Ingest.IngestClient(channel);
        await client.UploadBatchAsync(Batch("butik-a", "m1", Sale("k1", 1_000), Sale("k2", 1_000)), headers);
        await client.UploadBatchAsync(Batch("butik-a", "m1", Sale("k1", 1_000), Sale("k2", 1_000)), headers);
        await Assert.ThrowsAsync<RpcException>(() => client.UploadBatchAsync(Batch("butik-a", "m2", Sale("k3", 1)), RunningHub.Credential("nope")).ResponseAsync);
        using var http = new HttpClient { BaseAddress = hub.HttpUrl };

        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health/live", UriKind.Relative)));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("norsjo_ingest_batches_total\\{[^}]*outcome=\"stored\"[^}]*\\} 1", metrics);
        Assert.Matches("norsjo_ingest_batches_total\\{[^}]*outcome=\"duplicate\"[^}]*\\} 1", metrics);
        Assert.Matches("norsjo_ingest_rows_total\\{[^}]*kind=\"receipt\"[^}]*\\} 2", metrics);
        Assert.Matches("norsjo_ingest_rejects_total\\{[^}]*status=\"Unauthenticated\"[^}]*\\} 1", metrics);
        Assert.Contains("norsjo_ingest_duration_milliseconds_bucket", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_stores_data_removes_every_row_of_it_revokes_it_and_leaves_the_others()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a", "butik-b");
        var a = RunningHub.Credential(await hub.EnrollAsync("butik-a"));
        var b = RunningHub.Credential(await hub.EnrollAsync("butik-b"));
        using var channel = hub.Channel();
        var client = new Ingest.IngestClient(channel);
        var withDelivery = Batch("butik-a", "a1", Sale("k1", 1_000));
        withDelivery.HomeDeliveries.Add(new HomeDelivery { DeliveryKey = "d1", HouseholdKey = "h1", Date = withDelivery.Receipts[0].Date, Locality = "Kusfors", DistanceM = 4000, OrderValueOre = 1_000 });
        await client.UploadBatchAsync(withDelivery, a);
        await client.UploadBatchAsync(Batch("butik-b", "b1", Sale("k1", 2_000)), b);

        var tables = await hub.Services.GetRequiredService<StoreDataEraser>().EraseAsync("butik-a");

        Assert.Contains("receipts", tables);
        Assert.Contains("home_deliveries", tables);
        Assert.Contains("store_credentials", tables);
        foreach (var table in tables)
        {
            var left = await hub.Database.QueryAsync<Row>($"SELECT store_id AS StoreId, count() AS Rows FROM {table} WHERE store_id = 'butik-a' GROUP BY store_id");
            Assert.Empty(left);
        }

        Assert.Equal([new Row("butik-b", 1)], await hub.Database.QueryAsync<Row>("SELECT store_id AS StoreId, count() AS Rows FROM receipts FINAL GROUP BY store_id"));
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.UploadBatchAsync(Batch("butik-a", "a2", Sale("k2", 1)), a).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task Two_hubs_on_one_ClickHouse_share_credentials_and_count_every_sale_once()
    {
        var database = ClickHouseServerFixture.NewDatabaseName();
        await using var first = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: database), "butik-a", "butik-b");
        await using var second = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: database), "butik-a", "butik-b");
        var credentialA = await first.EnrollAsync("butik-a");
        var credentialB = await second.EnrollAsync("butik-b");
        var salesA = DemoSales.Day(new DateOnly(2026, 9, 1), 60, 1, new Random(11));
        var salesB = DemoSales.Day(new DateOnly(2026, 9, 1), 60, 1, new Random(12));

        // Each agent talks to the other hub than the one it enrolled with.
        await using var agentA = await RunningAgent.StartAsync(second, "butik-a", credentialA);
        await using var agentB = await RunningAgent.StartAsync(first, "butik-b", credentialB);
        var fileA = agentA.Drop("a.csv", ReceiptCsv.Write(salesA));
        var fileB = agentB.Drop("b.csv", ReceiptCsv.Write(salesB));
        await Eventually.WaitUntilAsync(() => agentA.HasDelivered(fileA) && agentB.HasDelivered(fileB), "both delivered");

        // The same batch id again through the other hub is recognised there too.
        using var channel = first.Channel();
        var batch = Batch("butik-a", "shared", Sale("x", 100));
        await new Ingest.IngestClient(channel).UploadBatchAsync(batch, RunningHub.Credential(credentialA));
        using var otherChannel = second.Channel();
        Assert.True((await new Ingest.IngestClient(otherChannel).UploadBatchAsync(batch, RunningHub.Credential(credentialA))).AlreadyStored);

        var stored = await first.Database.QueryAsync<Row>("SELECT store_id AS StoreId, sum(gross_ore) AS Rows FROM receipts FINAL GROUP BY store_id ORDER BY store_id");
        Assert.Equal([new Row("butik-a", salesA.Sum(r => r.GrossOre) + 100), new Row("butik-b", salesB.Sum(r => r.GrossOre))], stored);
    }
}
