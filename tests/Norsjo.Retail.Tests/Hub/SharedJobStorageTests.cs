using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>Two hubs sharing Hangfire's PostgreSQL storage: one set of recurring jobs, each run once.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class SharedJobStorageTests(ClickHouseServerFixture clickHouse)
{
    [Fact]
    public async Task Two_hubs_on_one_PostgreSQL_job_storage_run_a_triggered_recurring_job_once()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = ClickHouseServerFixture.NewDatabaseName();
        string[] jobs = ["--Jobs:Enabled=true", "--Jobs:PostgreSql=" + postgres.ConnectionString];
        await using var first = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: database, ExtraArgs: jobs) { Hours = "00:00-24:00" }, "butik-a");
        await using var second = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: database, ExtraArgs: jobs) { Hours = "00:00-24:00" }, "butik-a");

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
}
