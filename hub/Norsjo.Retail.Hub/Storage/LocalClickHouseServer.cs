using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// A clickhouse-server process of the hub's own: loopback only, free ports, its data under one
/// folder. The hub starts it when no ClickHouse URL is configured; the tests start it the same way.
/// </summary>
public sealed partial class LocalClickHouseServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _pidFile;
    private readonly ILogger _logger;
    private bool _disposed;

    private LocalClickHouseServer(Process process, Uri httpUrl, int tcpPort, string dataDirectory, string pidFile, ILogger logger)
    {
        _process = process;
        HttpUrl = httpUrl;
        TcpPort = tcpPort;
        DataDirectory = dataDirectory;
        _pidFile = pidFile;
        _logger = logger;
    }

    public Uri HttpUrl { get; }

    /// <summary>The native protocol's port, for clickhouse-client.</summary>
    public int TcpPort { get; }

    public string DataDirectory { get; }

    /// <summary>The server process, for tests that stop it the hard way.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts a server on free loopback ports and returns once it answers /ping.</summary>
    /// <param name="httpPort">0 for a free port; a fixed one lets a restarted server keep its address.</param>
    public static async Task<LocalClickHouseServer> StartAsync(
        string dataDirectory, string? serverBinary = null, ILogger? logger = null, int httpPort = 0, int tcpPort = 0,
        CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var (fileName, leadingArgs) = FindServerBinary(serverBinary);
        var pidFile = Path.Combine(dataDirectory, "server.pid");
        await StopLeftoverAsync(pidFile, logger).ConfigureAwait(false);

        // A free port found now can be taken by someone else before the server binds it; try again then.
        for (var attempt = 1; ; attempt++)
        {
            var http = httpPort > 0 ? httpPort : FreeLoopbackPort();
            var tcp = tcpPort > 0 ? tcpPort : FreeLoopbackPort();
            var configFile = WriteConfiguration(dataDirectory, http, tcp);
            var start = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = dataDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in leadingArgs)
            {
                start.ArgumentList.Add(arg);
            }

            start.ArgumentList.Add("--config-file=" + configFile);
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await File.WriteAllTextAsync(pidFile, process.Id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);

            var url = new Uri($"http://127.0.0.1:{http}/");
            var server = new LocalClickHouseServer(process, url, tcp, dataDirectory, pidFile, logger);
            if (await server.WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false))
            {
                LogStarted(logger, url, dataDirectory);
                return server;
            }

            var errors = server.ErrorLogTail();
            await server.DisposeAsync().ConfigureAwait(false);
            if (attempt < 3 && httpPort == 0 && errors.Contains("Address already in use", StringComparison.Ordinal))
            {
                continue;
            }

            throw new InvalidOperationException(
                $"The local ClickHouse server ({fileName}) did not start within {StartTimeout.TotalSeconds:0} s. " +
                $"Its log is in {Path.Combine(dataDirectory, "log")}. Last errors:{Environment.NewLine}{errors}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            // SIGTERM lets the server finish merges and close its parts cleanly; kill only if it hangs.
            _ = SendSignal(_process.Id, SigTerm);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            LogStopped(_logger, HttpUrl);
        }

        _process.Dispose();
        File.Delete(_pidFile);
    }

    private async Task<bool> WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                var answer = await http.GetStringAsync(new Uri(HttpUrl, "ping"), cancellationToken).ConfigureAwait(false);
                if (answer.StartsWith("Ok.", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // this probe timed out; try again
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private string ErrorLogTail()
    {
        var errorLog = Path.Combine(DataDirectory, "log", "server.err.log");
        if (!File.Exists(errorLog))
        {
            return "(no error log)";
        }

        using var stream = new FileStream(errorLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(Environment.NewLine, lines.TakeLast(10));
    }

    /// <summary>
    /// The address of a server a running hub started on this data folder, if there is one, so that a
    /// command-line tool can work beside that hub instead of starting a second server.
    /// </summary>
    public static Uri? FindRunning(string dataDirectory)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        var pidFile = Path.Combine(dataDirectory, "server.pid");
        var configFile = Path.Combine(dataDirectory, "config.xml");
        if (!File.Exists(pidFile) || !File.Exists(configFile)
            || !int.TryParse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            if (!process.ProcessName.StartsWith("clickhouse", StringComparison.Ordinal))
            {
                return null;
            }
        }
        catch (ArgumentException)
        {
            return null;
        }

        var port = System.Xml.Linq.XDocument.Load(configFile).Root?.Element("http_port")?.Value;
        return port is null ? null : new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>A server left running by a hub that was killed would hold the data folder's lock.</summary>
    private static async Task StopLeftoverAsync(string pidFile, ILogger logger)
    {
        if (!File.Exists(pidFile)
            || !int.TryParse(await File.ReadAllTextAsync(pidFile).ConfigureAwait(false), CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        try
        {
            using var leftover = Process.GetProcessById(pid);
            if (leftover.ProcessName.StartsWith("clickhouse", StringComparison.Ordinal))
            {
                LogLeftover(logger, pid);
                _ = SendSignal(pid, SigTerm);
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await leftover.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    leftover.Kill(entireProcessTree: true);
                }
            }
        }
        catch (ArgumentException)
        {
            // no such process any more
        }

        File.Delete(pidFile);
    }

    private static (string FileName, string[] LeadingArgs) FindServerBinary(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFileName(configured) == "clickhouse" ? (configured, ["server", "--"]) : (configured, []);
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        string[] folders = [.. path, "/usr/sbin", "/usr/bin", "/usr/local/bin"];
        foreach (var folder in folders)
        {
            var server = Path.Combine(folder, "clickhouse-server");
            if (File.Exists(server))
            {
                return (server, []);
            }
        }

        foreach (var folder in folders)
        {
            var single = Path.Combine(folder, "clickhouse");
            if (File.Exists(single))
            {
                return (single, ["server", "--"]);
            }
        }

        throw new InvalidOperationException(
            "No ClickHouse server found: install Debian's clickhouse-server (apt-get install clickhouse-server), " +
            "put a clickhouse binary on PATH, or configure ClickHouse:Url to use an existing server.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string WriteConfiguration(string dataDirectory, int httpPort, int tcpPort)
    {
        string Folder(string name)
        {
            var folder = Path.Combine(dataDirectory, name) + "/";
            Directory.CreateDirectory(folder);
            return SecurityElement.Escape(folder);
        }

        var log = Folder("log");
        var config = $"""
            <?xml version="1.0"?>
            <!-- Written by the Norsjö Retail hub at every start; edits are overwritten. -->
            <yandex>
              <logger>
                <level>warning</level>
                <log>{log}server.log</log>
                <errorlog>{log}server.err.log</errorlog>
                <size>50M</size>
                <count>3</count>
              </logger>
              <listen_host>127.0.0.1</listen_host>
              <http_port>{httpPort}</http_port>
              <tcp_port>{tcpPort}</tcp_port>
              <path>{Folder("data")}</path>
              <tmp_path>{Folder("tmp")}</tmp_path>
              <user_files_path>{Folder("user_files")}</user_files_path>
              <format_schema_path>{Folder("format_schemas")}</format_schema_path>
              <users_config>users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>Europe/Stockholm</timezone>
              <mark_cache_size>268435456</mark_cache_size>
              <uncompressed_cache_size>268435456</uncompressed_cache_size>
              <max_concurrent_queries>100</max_concurrent_queries>
            </yandex>
            """;
        var users = """
            <?xml version="1.0"?>
            <!-- Loopback only, so the default user needs no password. -->
            <yandex>
              <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
              <users>
                <default>
                  <password></password>
                  <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                  <profile>default</profile>
                  <quota>default</quota>
                </default>
              </users>
              <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
            </yandex>
            """;
        var configFile = Path.Combine(dataDirectory, "config.xml");
        File.WriteAllText(configFile, config);
        File.WriteAllText(Path.Combine(dataDirectory, "users.xml"), users);
        return configFile;
    }

    private const int SigTerm = 15;

    private static int SendSignal(int pid, int signal) => Kill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local ClickHouse answers on {Url} (data in {DataDirectory})")]
    private static partial void LogStarted(ILogger logger, Uri url, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local ClickHouse on {Url} stopped")]
    private static partial void LogStopped(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping a ClickHouse server (pid {Pid}) left running by an earlier hub on the same data folder")]
    private static partial void LogLeftover(ILogger logger, int pid);
}
