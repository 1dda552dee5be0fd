using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Norsjo.Retail.Agent.Heartbeat;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.AgentHealth;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// The agent's own health and its connection log, between a real agent and a real hub (issue 21):
/// what arrives with the batches and the heartbeat, how the silence check tells "cannot upload"
/// from "off", and a day offline counted, sent once and shown to the municipality under the rule.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class AgentHealthTests(ClickHouseServerFixture clickHouse)
{
    private const string Password = "ett-langt-losenord";

    private static DateTimeOffset Swedish(int year, int month, int day, int hour, int minute) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, hour, minute, 0), HealthClock.Sweden), TimeSpan.Zero);

    private static string Csv(int receipts, int seed) =>
        ReceiptCsv.Write(DemoSales.Day(new DateOnly(2026, 10, 1), receipts, 1, new Random(seed)));

    private static HealthReporter Reporter(RunningAgent agent) =>
        agent.Services.GetServices<IHostedService>().OfType<HealthReporter>().Single();

    private static async Task<HttpClient> SignedInAsync(RunningHub hub, string user, UserRole role)
    {
        await hub.Services.GetRequiredService<UserStore>().SaveAsync(user, Password, role, []);
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
        (await http.PostAsJsonAsync("/api/login", new { username = user, password = Password })).EnsureSuccessStatusCode();
        return http;
    }

    [Fact]
    public async Task Health_rides_with_the_batches_and_the_heartbeat_and_an_old_agent_without_it_still_uploads()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { Hours = "00:00-24:00" }, "butik-a", "butik-old");
        await using var agent = await RunningAgent.StartAsync(hub, "butik-a", await hub.EnrollAsync("butik-a"));
        var file = agent.Drop("kassa.csv", Csv(30, 1));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(file), "the agent delivered the file");

        // An agent from before health (no health field, never calls ReportHealth): stored as ever.
        using (var channel = hub.Channel())
        {
            var reply = await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-old", "old-1", Sale("k1", 100)), RunningHub.Credential(await hub.EnrollAsync("butik-old")));
            Assert.Equal(1, reply.ReceiptsStored);
        }

        var health = hub.Services.GetRequiredService<AgentHealthStore>();
        await Eventually.WaitUntilAsync(
            async () => (await health.LatestAsync()).GetValueOrDefault("butik-a") is { LastBatch: not null, LastHeartbeat: not null },
            "a batch and a heartbeat brought butik-a's health",
            async () => string.Join(", ", (await health.LatestAsync()).Values));
        var a = (await health.LatestAsync())["butik-a"];
        Assert.Equal(500_000, a.QueueCapacity);
        Assert.Equal(0, a.Refused);
        Assert.Equal(0, a.FailedAttempts);
        Assert.False(string.IsNullOrEmpty(a.AgentVersion));
        Assert.False((await health.LatestAsync()).ContainsKey("butik-old"));

        using var http = await SignedInAsync(hub, "admin", UserRole.Admin);
        var rows = (await http.GetFromJsonAsync<JsonElement>("/api/admin/agent-health")).EnumerateArray().ToDictionary(r => r.GetProperty("storeId").GetString()!);
        Assert.Equal("sends", rows["butik-a"].GetProperty("state").GetString());
        Assert.Equal("sänder", rows["butik-a"].GetProperty("stateText").GetString());
        Assert.Equal(500_000, rows["butik-a"].GetProperty("health").GetProperty("queueCapacity").GetInt32());
        Assert.Equal("sends", rows["butik-old"].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, rows["butik-old"].GetProperty("health").ValueKind);
    }

    [Fact]
    public async Task An_agent_whose_heartbeat_arrives_but_whose_batches_do_not_cannot_upload_and_one_not_heard_while_open_is_silent()
    {
        // Every batch is over the hub's message limit (RESOURCE_EXHAUSTED, tried again and again); the heartbeat is small.
        await using var hub = await RunningHub.StartAsync(clickHouse.Url,
            new HubSettings(ExtraArgs: ["--Ingest:MaxBatchBytes=2000"]) { Hours = "00:00-24:00" }, "butik-a", "butik-b");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var agent = await RunningAgent.StartWithAsync(services => services.AddSingleton(new HealthClock(clock)),
            hub.GrpcUrl, hub.CertificatePath, "butik-a", await hub.EnrollAsync("butik-a"), null, "--Agent:HealthInterval=01:00:00");
        agent.Drop("kassa.csv", Csv(30, 2));
        var meter = agent.Services.GetRequiredService<AgentHealthMeter>();
        await Eventually.WaitUntilAsync(() => meter.Measure() is { QueueItems: > 0, FailedAttempts: > 0 }, "the batches fail");
        await Eventually.WaitUntilAsync(() => Reporter(agent).Beats >= 1, "the first heartbeat went");

        // Three hours on, the items still wait; the heartbeat says so.
        var beats = Reporter(agent).Beats;
        clock.Advance(TimeSpan.FromHours(3));
        await Eventually.WaitUntilAsync(() => Reporter(agent).Beats > beats, "the next heartbeat went");
        var health = hub.Services.GetRequiredService<AgentHealthStore>();
        var reported = (await health.LatestAsync())["butik-a"];
        Assert.Equal(30, reported.QueueItems);
        // Stored a moment after the clock was taken: three hours less those seconds.
        Assert.InRange(reported.OldestItemAgeSeconds, (3 * 3600) - 300, 3 * 3600);
        Assert.True(reported.FailedAttempts > 0);
        Assert.Equal("ResourceExhausted", reported.LastFailureStatus);

        var checks = (await hub.Services.GetRequiredService<SilentAgents>().CheckAsync()).ToDictionary(c => c.StoreId);
        Assert.Equal(AgentStates.CannotUpload, checks["butik-a"].State);
        Assert.True(checks["butik-a"].Silent);
        Assert.Equal(AgentStates.Silent, checks["butik-b"].State);
        Assert.Equal("tyst", checks["butik-b"].StateText);
        var kept = (await hub.Services.GetRequiredService<SilentAgents>().LatestAsync()).ToDictionary(c => c.StoreId);
        Assert.Equal("kan inte skicka", kept["butik-a"].StateText);
    }

    [Fact]
    public async Task Two_hours_without_the_hub_are_counted_the_day_is_sent_once_and_the_municipality_sees_it_per_village_under_the_rule()
    {
        using var away = await HubAway.EnrolledAsync(clickHouse.Url, "butik-a");
        var clock = new FakeTimeProvider(Swedish(2026, 11, 10, 10, 0));
        await using var agent = await RunningAgent.StartWithAsync(services => services.AddSingleton(new HealthClock(clock)),
            away.Url, away.Certificate, "butik-a", away.Credential, null, "--Agent:HealthInterval=01:00:00", "--Agent:ConnectionGap=1.00:00:00");
        var log = agent.Services.GetRequiredService<ConnectionLog>();
        await Eventually.WaitUntilAsync(() => Reporter(agent).Beats >= 1, "the first heartbeat went");
        Assert.Equal((Swedish(2026, 11, 10, 10, 0), false), log.LastContact);

        // The hub on its own clock: all it asks of the day is that it has ended (2026-11-10 has, on any machine running this).
        await using var hub = await away.ReturnAsync();
        // Two hours on the hub is back. (After failed connections the agent's channel waits up to 3 s of real time
        // before it tries again, failing calls meanwhile: then a later heartbeat — a minute apart while the hub is
        // away — is the first to reach it, and the outage is that much longer, to the minute.)
        var beats = Reporter(agent).Beats;
        clock.Advance(TimeSpan.FromHours(2));
        for (var tries = 0; ; tries++)
        {
            await Eventually.WaitUntilAsync(() => Reporter(agent).Beats > beats, "a heartbeat went",
                () => $"{Reporter(agent).Beats} beats, clock {clock.GetUtcNow():O}, last contact {log.LastContact}; " + string.Join('\n', agent.Log.Where(l => !l.Contains("Hosting", StringComparison.Ordinal)).TakeLast(15)));
            if (log.LastContact is (_, true))
            {
                break;
            }

            Assert.True(tries < 200, "the agent reaches the hub that is back");
            beats = Reporter(agent).Beats;
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var back = log.LastContact!.Value.At;
        var offline = (int)(back - Swedish(2026, 11, 10, 10, 0)).TotalMinutes;

        // After midnight the day is complete, and goes with the next heartbeat.
        var before = Reporter(agent).Beats;
        clock.SetUtcNow(Swedish(2026, 11, 11, 0, 30));
        await Eventually.WaitUntilAsync(() => Reporter(agent).Beats > before, "the heartbeat after midnight went");
        var store = hub.Services.GetRequiredService<OperationalStore>();
        async Task<List<(string Day, long Observed, long Offline, long Longest, long Outages, long RoundTrips)>> DaysAsync()
        {
            await using var connection = await store.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT day, observed_minutes, offline_minutes, longest_outage_minutes, outages, round_trips FROM connection_days WHERE store_id = 'butik-a'";
            await using var reader = await command.ExecuteReaderAsync();
            var days = new List<(string, long, long, long, long, long)>();
            while (await reader.ReadAsync())
            {
                days.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
            }

            return days;
        }

        var day = Assert.Single(await DaysAsync());
        Assert.Equal("2026-11-10", day.Day);
        Assert.Equal(14 * 60, day.Observed);           // 10:00–24:00: the agent started at 10
        Assert.Equal(offline, day.Offline);
        Assert.Equal(offline, day.Longest);
        Assert.Equal(1, day.Outages);
        Assert.True(day.RoundTrips >= 1);
        Assert.InRange(offline, 120, 320);
        Assert.Empty(log.CompleteDays());

        // Sent again (an agent that lost the reply): acknowledged, nothing changed.
        using (var channel = hub.Channel())
        {
            var again = new ReportHealthRequest { StoreId = "butik-a", AgentVersion = "test" };
            again.ConnectionDays.Add(new ConnectionDay { Date = new LocalDate { Year = 2026, Month = 11, Day = 10 }, ObservedMinutes = 600 });
            var reply = await new Ingest.IngestClient(channel).ReportHealthAsync(again, RunningHub.Credential(away.Credential));
            Assert.Equal(10, Assert.Single(reply.DaysStored).Day);
        }

        Assert.Equal(day, Assert.Single(await DaysAsync()));

        // The municipality: one shop in Bastuträsk is that shop's own record — held back, until it consents.
        using var http = await SignedInAsync(hub, "kommunen", UserRole.Municipality);
        async Task<JsonElement> BastutraskAsync() =>
            (await http.GetFromJsonAsync<JsonElement>("/api/municipality/connection?from=2026-11&to=2026-11")).EnumerateArray()
                .Single(m => m.GetProperty("village").GetString() == "Bastuträsk");
        var held = await BastutraskAsync();
        Assert.Equal(1, held.GetProperty("shops").GetInt32());
        Assert.False(held.GetProperty("shown").GetBoolean());
        Assert.Contains("färre än 3", held.GetProperty("heldBack").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, held.GetProperty("offlineMinutesPerDay").ValueKind);

        // Consent counts for the months it held throughout (Hub/ConnectionConsentTests): here one given before November.
        await hub.Services.GetRequiredService<IStoreConsents>().RecordAsync(new ConsentEvent("butik-a", true, "ägaren", Swedish(2026, 10, 31, 12, 0)), CancellationToken.None);
        var shown = await BastutraskAsync();
        Assert.True(shown.GetProperty("shown").GetBoolean());
        Assert.Equal(offline, shown.GetProperty("offlineMinutesPerDay").GetDouble());
        Assert.Equal(offline, shown.GetProperty("longestOutageMinutes").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri("/api/municipality/connection?from=nov", UriKind.Relative))).StatusCode);
    }
}
