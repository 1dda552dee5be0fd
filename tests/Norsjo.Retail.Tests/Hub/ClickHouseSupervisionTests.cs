using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using Xunit.Abstractions;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// ClickHouse dies under a running hub: the hub's own server is brought back by the hub; while it
/// is away every storage-reading endpoint answers 503 (never a 500 or a stack trace) and the gRPC
/// health service says NOT_SERVING; afterwards everything recovers without anyone restarting the hub.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ClickHouseSupervisionTests(ITestOutputHelper output)
{
    private const string Password = "ett-langt-losenord";

    [Fact]
    public async Task The_hub_restarts_its_own_ClickHouse_after_SIGKILL_and_is_ready_again_by_itself()
    {
        using var folder = new TempFolder("own-ch");
        await using var hub = await RunningHub.StartWithOwnClickHouseAsync(folder.Path, new HubSettings(), "butik-a");
        var headers = RunningHub.Credential(await hub.EnrollAsync("butik-a"));
        using var channel = hub.Channel();
        var ingest = new Ingest.IngestClient(channel);
        await ingest.UploadBatchAsync(Batch("butik-a", "before", Sale("k1", 1_000)), headers);
        using var http = new HttpClient { BaseAddress = hub.HttpUrl };

        var killed = ServerPid(folder.Path);
        var outage = Stopwatch.StartNew();
        using (var server = Process.GetProcessById(killed))
        {
            server.Kill(); // SIGKILL: no shutdown, as when the kernel's OOM killer picks it
            await server.WaitForExitAsync();
        }

        await Eventually.WaitUntilAsync(
            async () => (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            "/health/ready answers 200 again without the hub being restarted",
            async () => await (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).Content.ReadAsStringAsync(),
            TimeSpan.FromSeconds(120));
        output.WriteLine($"SIGKILL to /health/ready 200 again: {outage.Elapsed.TotalSeconds:0.0} s (1 s of it the first back-off)");
        Assert.NotEqual(killed, ServerPid(folder.Path));
        using var restarted = Process.GetProcessById(ServerPid(folder.Path));
        Assert.False(restarted.HasExited);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);
        Assert.False((await ingest.UploadBatchAsync(Batch("butik-a", "after", Sale("k2", 2_000)), headers)).AlreadyStored);
        Assert.True((await ingest.UploadBatchAsync(Batch("butik-a", "before", Sale("k1", 1_000)), headers)).AlreadyStored);
    }

    [Fact]
    public async Task While_ClickHouse_is_away_the_API_and_status_answer_503_without_a_stack_trace_and_grpc_health_says_not_serving()
    {
        using var folder = new TempFolder("ch-away");
        var (httpPort, tcpPort) = (FreePort.Next(), FreePort.Next());
        var server = await LocalClickHouseServer.StartAsync(folder.Path, httpPort: httpPort, tcpPort: tcpPort);
        try
        {
            await using var hub = await RunningHub.StartAsync(server.ConnectionUrl, "butik-a");
            await hub.Services.GetRequiredService<UserStore>().SaveAsync("admin", Password, UserRole.Admin, []);
            var headers = RunningHub.Credential(await hub.EnrollAsync("butik-a"));
            using var channel = hub.Channel();
            await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-a", "before", Sale("k1", 1_000)), headers);
            var health = new Health.HealthClient(channel);
            using var anonymous = new HttpClient { BaseAddress = hub.HttpUrl };
            using var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/login", new { username = "admin", password = Password })).StatusCode);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

            using (var process = Process.GetProcessById(server.ProcessId))
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            foreach (var (client, path) in new[]
            {
                (admin, "/api/stores/butik-a/trend?from=2026-11-01&to=2026-11-30"),
                (admin, "/api/municipality/cash-share"),
                (admin, "/status"),
                (anonymous, "/status"),
                (anonymous, "/health/ready"),
            })
            {
                using var answer = await client.GetAsync(new Uri(path, UriKind.Relative));
                var body = await answer.Content.ReadAsStringAsync();
                Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)answer.StatusCode} {body}");
                Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
                Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
                Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
            }

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);

            await server.DisposeAsync();
            server = await LocalClickHouseServer.StartAsync(folder.Path, httpPort: httpPort, tcpPort: tcpPort);
            await Eventually.WaitUntilAsync(
                async () => (await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
                "/health/ready answers 200 once ClickHouse is back",
                () => Task.FromResult(string.Empty));
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/status", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/stores/butik-a/trend?from=2026-11-01&to=2026-11-30", UriKind.Relative))).StatusCode);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_hubs_commands_work_beside_a_running_hub_with_the_password_from_its_file()
    {
        using var folder = new TempFolder("own-ch-command");
        await using var hub = await RunningHub.StartWithOwnClickHouseAsync(folder.Path, new HubSettings(), "butik-a");
        var pid = ServerPid(folder.Path);
        var database = hub.Services.GetRequiredService<ClickHouseStorage>().Database.Name;

        var exit = await Norsjo.Retail.Hub.Hosting.HubCommandLine.RunAsync(
            ["revoke", "butik-a", "--contentRoot", hub.ContentRoot, "--ClickHouse:DataDirectory=" + folder.Path, "--ClickHouse:Database=" + database]);

        Assert.Equal(0, exit);
        Assert.Equal(pid, ServerPid(folder.Path)); // the hub's server, not a second one
    }

    private static int ServerPid(string folder) =>
        int.Parse(File.ReadAllText(Path.Combine(folder, "server.pid")), CultureInfo.InvariantCulture);
}
