using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

[Collection(ClickHouseGroup.Name)]
public sealed class SilentAgentsTests(ClickHouseServerFixture clickHouse)
{
    [Fact]
    public async Task The_hourly_job_flags_an_open_store_whose_agent_has_sent_nothing_and_the_municipality_sees_it()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url,
            new HubSettings(ExtraArgs: ["--Jobs:Enabled=true", "--Jobs:SilentAfter=01:00:00"]) { Hours = "00:00-24:00" }, "butik-a", "butik-b");
        using (var channel = hub.Channel())
        {
            await new Contracts.V1.Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-a", "a1", Sale("k1", 100)), RunningHub.Credential(await hub.EnrollAsync("butik-a")));
        }

        hub.Services.GetRequiredService<IRecurringJobManager>().Trigger(Norsjo.Retail.Hub.Jobs.JobsExtensions.SilentAgentsJob);
        var agents = hub.Services.GetRequiredService<Norsjo.Retail.Hub.Operations.SilentAgents>();
        await Eventually.WaitUntilAsync(() => agents.LatestAsync().GetAwaiter().GetResult().Count == 2, "the job checked both stores");

        await hub.Services.GetRequiredService<UserStore>().SaveAsync("kommunen", "ett-langt-losenord", UserRole.Municipality, []);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
        (await http.PostAsJsonAsync("/api/login", new { username = "kommunen", password = "ett-langt-losenord" })).EnsureSuccessStatusCode();
        var checks = await http.GetFromJsonAsync<JsonElement>("/api/municipality/silent-agents");

        var byStore = checks.EnumerateArray().ToDictionary(c => c.GetProperty("storeId").GetString()!, c => c);
        Assert.False(byStore["butik-a"].GetProperty("silent").GetBoolean());
        Assert.True(byStore["butik-b"].GetProperty("silent").GetBoolean());
        Assert.Equal(JsonValueKind.Null, byStore["butik-b"].GetProperty("lastUpload").ValueKind);

        // The run is in the hub's own metrics too.
        await Eventually.WaitUntilAsync(
            () => System.Text.RegularExpressions.Regex.IsMatch(http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult(),
                "norsjo_jobs_runs_total\\{[^}]*job=\"SilentAgentsJob\"[^}]*outcome=\"succeeded\"[^}]*\\} 1"),
            "the job run is counted at /metrics",
            () => string.Join('\n', http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult().Split('\n').Where(l => l.Contains("jobs", StringComparison.Ordinal))));
    }
}
