using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// Two hubs on one ClickHouse database and one Hangfire storage (PostgreSQL), as a bigger
/// installation runs them behind one address: agents spread over both, every sale counted once,
/// one set of recurring jobs, each run once.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class SharedJobStorageTests(ClickHouseServerFixture clickHouse)
{
    [Fact]
    public async Task Two_hubs_on_one_ClickHouse_and_one_job_storage_take_agents_on_both_and_run_a_triggered_job_once()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = ClickHouseServerFixture.NewDatabaseName();
        string[] jobs = ["--Jobs:Enabled=true", "--Jobs:PostgreSql=" + postgres.ConnectionString];
        await using var first = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: database, ExtraArgs: jobs) { Hours = "00:00-24:00" }, "butik-a", "butik-b");
        await using var second = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: database, ExtraArgs: jobs) { Hours = "00:00-24:00" }, "butik-a", "butik-b");

        // One agent enrolled through and sending to each hub.
        await using var agentA = await RunningAgent.StartAsync(first, "butik-a", await first.EnrollAsync("butik-a"));
        await using var agentB = await RunningAgent.StartAsync(second, "butik-b", await second.EnrollAsync("butik-b"));
        var soldA = DemoSales.Day(new DateOnly(2026, 11, 20), 120, 1, new Random(7));
        var soldB = DemoSales.Day(new DateOnly(2026, 11, 20), 90, 1, new Random(8));
        var fileA = agentA.Drop("kassa-20261120.csv", ReceiptCsv.Write(soldA));
        var fileB = agentB.Drop("kassa-20261120.csv", ReceiptCsv.Write(soldB));
        await Eventually.WaitUntilAsync(() => agentA.HasDelivered(fileA) && agentB.HasDelivered(fileB), "both agents delivered, each to its own hub");
        var stored = await first.Database.QueryAsync<StoreTotal>(
            "SELECT store_id AS StoreId, count() AS Receipts, sum(gross_ore) AS GrossOre FROM receipts FINAL GROUP BY store_id ORDER BY store_id");
        Assert.Equal([new StoreTotal("butik-a", soldA.Count, soldA.Sum(r => r.GrossOre)), new StoreTotal("butik-b", soldB.Count, soldB.Sum(r => r.GrossOre))], stored);

        first.Services.GetRequiredService<IRecurringJobManager>().Trigger(Norsjo.Retail.Hub.Jobs.JobsExtensions.SilentAgentsJob);

        // The second hub sees the job the first triggered: the storage is shared.
        var monitoring = second.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Eventually.WaitUntilAsync(() => monitoring.SucceededListCount() >= 1, "the triggered job succeeded, as seen from the other hub");
        // One run in all, by whichever hub's server took it, and nothing left waiting or running.
        Assert.Equal(1, monitoring.SucceededListCount());
        Assert.Equal(0, monitoring.ProcessingCount());
        Assert.Equal(0, monitoring.EnqueuedCount("default"));
        using (var connection = second.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.Equal(4, connection.GetRecurringJobs().Count);
        }
    }

    private sealed record StoreTotal(string StoreId, long Receipts, long GrossOre);
}
