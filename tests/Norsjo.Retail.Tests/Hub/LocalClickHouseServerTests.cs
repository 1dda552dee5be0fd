using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

public sealed class LocalClickHouseServerTests
{
    [Fact]
    public async Task The_local_server_keeps_its_data_in_its_folder_answers_on_loopback_and_stops_when_disposed()
    {
        using var folder = new TempFolder("local-ch");
        var server = await LocalClickHouseServer.StartAsync(folder.Path);
        int pid;
        try
        {
            Assert.Equal("127.0.0.1", server.HttpUrl.Host);
            pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(folder.Path, "server.pid")), System.Globalization.CultureInfo.InvariantCulture);
            using var database = new ClickHouseDatabase(server.ConnectionUrl, "default");
            await database.ExecuteAsync("CREATE DATABASE kept_here");
            Assert.True(Directory.Exists(Path.Combine(folder.Path, "data", "data", "kept_here")) || Directory.Exists(Path.Combine(folder.Path, "data", "metadata", "kept_here")));
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        Assert.False(File.Exists(Path.Combine(folder.Path, "server.pid")));
    }

    [Fact]
    public async Task The_local_server_refuses_a_client_without_the_password_and_its_Grafana_user_reads_but_cannot_write()
    {
        using var folder = new TempFolder("local-ch-login");
        await using var server = await LocalClickHouseServer.StartAsync(folder.Path);
        using var http = new HttpClient();

        var anonymous = await SqlAsync(http, server.HttpUrl, "SELECT 1", null, null);
        Assert.False(anonymous.Status == HttpStatusCode.OK, "a client without a password was served: " + anonymous.Body);
        var wrong = await SqlAsync(http, server.HttpUrl, "SELECT 1", "norsjo_hub", "not-the-password");
        Assert.False(wrong.Status == HttpStatusCode.OK, "a wrong password was accepted: " + wrong.Body);

        // Grafana's user reads the published database (norsjo_retail_published by default) and no other.
        var hubPassword = await File.ReadAllTextAsync(Path.Combine(folder.Path, "hub.password"));
        var published = PublishedDatabase.NameFor(new ClickHouseOptions().Database);
        Assert.Equal(HttpStatusCode.OK, (await SqlAsync(http, server.HttpUrl, $"CREATE DATABASE {published}", "norsjo_hub", hubPassword)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SqlAsync(http, server.HttpUrl, $"CREATE TABLE {published}.kept (x UInt8) ENGINE = MergeTree() ORDER BY x", "norsjo_hub", hubPassword)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SqlAsync(http, server.HttpUrl, $"INSERT INTO {published}.kept VALUES (7)", "norsjo_hub", hubPassword)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SqlAsync(http, server.HttpUrl, "CREATE TABLE default.secret (x UInt8) ENGINE = MergeTree() ORDER BY x", "norsjo_hub", hubPassword)).Status);

        var grafanaPassword = await File.ReadAllTextAsync(Path.Combine(folder.Path, "grafana.password"));
        var read = await SqlAsync(http, server.HttpUrl, $"SELECT sum(x) FROM {published}.kept", "grafana", grafanaPassword);
        Assert.Equal((HttpStatusCode.OK, "7"), (read.Status, read.Body.Trim()));
        var other = await SqlAsync(http, server.HttpUrl, "SELECT count() FROM default.secret", "grafana", grafanaPassword);
        Assert.False(other.Status == HttpStatusCode.OK, "the Grafana user read another database: " + other.Body);
        foreach (var write in new[] { $"INSERT INTO {published}.kept VALUES (8)", $"CREATE TABLE {published}.other (x UInt8) ENGINE = Memory", $"DROP TABLE {published}.kept", $"ALTER TABLE {published}.kept DELETE WHERE 1" })
        {
            var refused = await SqlAsync(http, server.HttpUrl, write, "grafana", grafanaPassword);
            Assert.False(refused.Status == HttpStatusCode.OK, $"the Grafana user could run {write}");
            Assert.Contains("readonly", refused.Body, StringComparison.OrdinalIgnoreCase);
        }

        var after = await SqlAsync(http, server.HttpUrl, $"SELECT sum(x) FROM {published}.kept", "norsjo_hub", hubPassword);
        Assert.Equal((HttpStatusCode.OK, "7"), (after.Status, after.Body.Trim()));
    }

    [Fact]
    public async Task The_passwords_are_readable_by_the_hub_only_and_the_data_folders_are_closed_to_others()
    {
        using var folder = new TempFolder("local-ch-modes");
        await using var server = await LocalClickHouseServer.StartAsync(folder.Path);
        const UnixFileMode ownerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode ownerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var file in new[] { "hub.password", "grafana.password", "users.xml" })
        {
            Assert.Equal(ownerReadWrite, File.GetUnixFileMode(Path.Combine(folder.Path, file)));
        }

        foreach (var sub in new[] { ".", "data", "tmp", "log", "user_files", "format_schemas" })
        {
            Assert.Equal(ownerOnlyFolder, File.GetUnixFileMode(Path.Combine(folder.Path, sub)));
        }

        // Generated once: a restarted server keeps its passwords (Grafana's data source keeps working).
        var password = await File.ReadAllTextAsync(Path.Combine(folder.Path, "grafana.password"));
        Assert.True(password.Length >= 32, "the Grafana password is too short to be a generated one");
        await server.DisposeAsync();
        await using var again = await LocalClickHouseServer.StartAsync(folder.Path);
        Assert.Equal(password, await File.ReadAllTextAsync(Path.Combine(folder.Path, "grafana.password")));
    }

    [Fact]
    public async Task A_stale_pid_file_never_stops_a_process_that_is_not_this_folders_server()
    {
        using var folder = new TempFolder("stale-pid");

        // A process called clickhouse-server (a copy of sleep) whose pid a stale server.pid names.
        var fake = Path.Combine(folder.Sub("bin"), "clickhouse-server");
        File.Copy("/bin/sleep", fake);
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        using var sleeper = Process.Start(new ProcessStartInfo(fake, "600") { UseShellExecute = false })!;
        try
        {
            Assert.StartsWith("clickhouse", sleeper.ProcessName, StringComparison.Ordinal);
            var data = folder.Sub("data");
            await File.WriteAllTextAsync(Path.Combine(data, "server.pid"), sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await using (var server = await LocalClickHouseServer.StartAsync(data))
            {
                sleeper.Refresh();
                Assert.False(sleeper.HasExited, "the hub stopped a process that was not its server");
            }

            // A real ClickHouse server of another data folder, named by a stale pid file.
            await using var other = await LocalClickHouseServer.StartAsync(folder.Sub("other"));
            var third = folder.Sub("third");
            await File.WriteAllTextAsync(Path.Combine(third, "server.pid"), other.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await using (var server = await LocalClickHouseServer.StartAsync(third))
            {
                using var otherProcess = Process.GetProcessById(other.ProcessId);
                Assert.False(otherProcess.HasExited, "the hub stopped another data folder's ClickHouse");
            }
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_server_left_running_on_the_same_folder_is_stopped_before_a_new_one_starts()
    {
        using var folder = new TempFolder("leftover");
        var leftover = await LocalClickHouseServer.StartAsync(folder.Path);
        var leftoverPid = leftover.ProcessId;
        await using var server = await LocalClickHouseServer.StartAsync(folder.Path);
        await Eventually.WaitUntilAsync(() => !IsRunning(leftoverPid), "the leftover server has stopped");
        await leftover.DisposeAsync(); // its own end leaves the new server's pid file alone
        Assert.Equal(server.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), await File.ReadAllTextAsync(Path.Combine(folder.Path, "server.pid")));
        using var database = new ClickHouseDatabase(server.ConnectionUrl, "default");
        Assert.True(await database.PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_kept_server_that_dies_is_started_again_on_its_address_and_the_log_says_so_without_the_password()
    {
        using var folder = new TempFolder("kept");
        var log = new RecordingLogger();
        await using var server = await LocalClickHouseServer.StartAsync(folder.Path, logger: log, keepRunning: true);
        var first = server.ProcessId;
        using (var process = Process.GetProcessById(first))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        await Eventually.WaitUntilAsync(() => log.Lines.Any(l => l.Contains("answers again", StringComparison.Ordinal)), "the restart is logged", () => string.Join("\n", log.Lines));
        Assert.NotEqual(first, server.ProcessId);
        Assert.Contains(log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains($"pid {first}", StringComparison.Ordinal) && l.Contains("died", StringComparison.Ordinal));
        using var database = new ClickHouseDatabase(server.ConnectionUrl, "default");
        Assert.True(await database.PingAsync(CancellationToken.None));
        Assert.DoesNotContain(log.Lines, l => l.Contains(server.HubLogin.Password, StringComparison.Ordinal) || l.Contains("http://", StringComparison.Ordinal));
    }

    private sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel} {formatter(state, exception)}");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SqlAsync(HttpClient http, Uri server, string sql, string? user, string? password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server) { Content = new StringContent(sql) };
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
