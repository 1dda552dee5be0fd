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
/// A clickhouse-server process of the hub's own: loopback only, free ports, its data, configuration
/// and passwords under one folder that only the hub's user can open (see <see cref="LocalClickHouseUsers"/>).
/// The hub starts it when no ClickHouse URL is configured, and, with <c>keepRunning</c>, starts it
/// again whenever it dies; the tests start it the same way.
/// </summary>
public sealed partial class LocalClickHouseServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly ServerCommand _command;
    private readonly string _pidFile;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Process _process;
    private Task? _supervision;
    private int _disposed;

    private LocalClickHouseServer(Process process, ServerCommand command, Uri httpUrl, int tcpPort, ClickHouseLogin hubLogin, ILogger logger)
    {
        _process = process;
        _command = command;
        HttpUrl = httpUrl;
        TcpPort = tcpPort;
        HubLogin = hubLogin;
        _pidFile = PidFile(command.DataDirectory);
        _logger = logger;
    }

    /// <summary>The server's address, without a login.</summary>
    public Uri HttpUrl { get; }

    /// <summary>The native protocol's port, for clickhouse-client.</summary>
    public int TcpPort { get; }

    public string DataDirectory => _command.DataDirectory;

    /// <summary>The hub's own user; its password is in <see cref="LocalClickHouseUsers.HubPasswordFile"/>.</summary>
    public ClickHouseLogin HubLogin { get; }

    /// <summary>
    /// <see cref="HttpUrl"/> with the hub's login in its user part, for callers that take one
    /// address (ClickHouse:Url, the tests). Never log it.
    /// </summary>
    public Uri ConnectionUrl => HubLogin.InUrl(HttpUrl);

    /// <summary>The server process now (a new one after each restart), for tests that stop it the hard way.</summary>
    public int ProcessId => Volatile.Read(ref _process).Id;

    /// <summary>Starts a server on free loopback ports and returns once it answers /ping.</summary>
    /// <param name="httpPort">0 for a free port; a fixed one lets a restarted server keep its address.</param>
    /// <param name="grafanaDatabase">The one database the Grafana user may read: the hub's published figures (<see cref="PublishedDatabase"/>).</param>
    /// <param name="keepRunning">Start the server again (same ports, same data) whenever it dies, with back-off, until disposed.</param>
    public static async Task<LocalClickHouseServer> StartAsync(
        string dataDirectory, string? serverBinary = null, ILogger? logger = null, int httpPort = 0, int tcpPort = 0,
        bool keepRunning = false, string? grafanaDatabase = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        dataDirectory = Path.GetFullPath(dataDirectory);
        OwnerOnly.CreateFolder(dataDirectory);
        var (fileName, leadingArgs) = FindServerBinary(serverBinary);
        var command = new ServerCommand(fileName, leadingArgs, dataDirectory);
        await StopLeftoverAsync(command, logger).ConfigureAwait(false);
        var login = LocalClickHouseUsers.Prepare(dataDirectory, grafanaDatabase ?? PublishedDatabase.NameFor(new ClickHouseOptions().Database));

        // A free port found now can be taken by someone else before the server binds it; try again then.
        for (var attempt = 1; ; attempt++)
        {
            var http = httpPort > 0 ? httpPort : FreeLoopbackPort();
            var tcp = tcpPort > 0 ? tcpPort : FreeLoopbackPort();
            WriteConfiguration(dataDirectory, http, tcp);
            var process = await command.LaunchAsync(cancellationToken).ConfigureAwait(false);
            var url = new Uri($"http://127.0.0.1:{http}/");
            var server = new LocalClickHouseServer(process, command, url, tcp, login, logger);
            if (await WaitUntilAnsweringAsync(process, url, cancellationToken).ConfigureAwait(false))
            {
                LogStarted(logger, process.Id, dataDirectory);
                if (keepRunning)
                {
                    server._supervision = server.SuperviseAsync();
                }

                return server;
            }

            var errors = ErrorLogTail(dataDirectory);
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
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_supervision is not null)
        {
            await _supervision.ConfigureAwait(false);
        }

        var process = Volatile.Read(ref _process);
        if (!process.HasExited)
        {
            // SIGTERM lets the server finish merges and close its parts cleanly; kill only if it hangs.
            _ = SendSignal(process.Id, SigTerm);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            LogStopped(_logger, process.Id);
        }

        DeletePidFileOf(_pidFile, process.Id);
        process.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// Waits for the server to die and starts it again on the same ports and data, after a pause
    /// that doubles while restarts keep failing (<see cref="RestartBackoff"/>). Every death and
    /// every attempt is logged. Ends when the server is disposed.
    /// </summary>
    private async Task SuperviseAsync()
    {
        var token = _stopping.Token;
        var backoff = new RestartBackoff();
        var up = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var dead = Volatile.Read(ref _process);
                await dead.WaitForExitAsync(token).ConfigureAwait(false);
                var delay = backoff.Next(up.Elapsed);
                LogDied(_logger, dead.Id, dead.ExitCode, delay.TotalSeconds);
                await Task.Delay(delay, token).ConfigureAwait(false);
                Process next;
                try
                {
                    next = await _command.LaunchAsync(token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
                {
                    LogRestartFailed(_logger, e.Message);
                    continue;
                }

                Volatile.Write(ref _process, next);
                dead.Dispose();
                up.Restart();
                if (await WaitUntilAnsweringAsync(next, HttpUrl, token).ConfigureAwait(false))
                {
                    LogRestarted(_logger, next.Id);
                }
                else
                {
                    LogRestartFailed(_logger, ErrorLogTail(DataDirectory));
                    if (!next.HasExited)
                    {
                        next.Kill(entireProcessTree: true);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // disposed: the server is stopped by DisposeAsync
        }
    }

    private static async Task<bool> WaitUntilAnsweringAsync(Process process, Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                // /ping needs no login.
                var answer = await http.GetStringAsync(new Uri(url, "ping"), cancellationToken).ConfigureAwait(false);
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

    private static string ErrorLogTail(string dataDirectory)
    {
        var errorLog = Path.Combine(dataDirectory, "log", "server.err.log");
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
    /// The address and login of the server a running hub started on this data folder, if there is
    /// one, so that a command-line tool can work beside that hub instead of starting a second server.
    /// </summary>
    public static RunningLocalServer? FindRunning(string dataDirectory)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        var configFile = ConfigFile(dataDirectory);
        if (!File.Exists(configFile) || ReadPid(PidFile(dataDirectory)) is not { } pid || !ServerProcess.IsServerOf(pid, dataDirectory, configFile))
        {
            return null;
        }

        var port = System.Xml.Linq.XDocument.Load(configFile).Root?.Element("http_port")?.Value;
        return port is null ? null : new RunningLocalServer(new Uri($"http://127.0.0.1:{port}/"), LocalClickHouseUsers.ReadHubLogin(dataDirectory));
    }

    /// <summary>
    /// A server left running by a hub that was killed would hold the data folder's lock. Stopped only
    /// if /proc shows it is this folder's server (its command line names this folder's
    /// configuration and it runs in this folder): a pid file outlives its process, and the number
    /// may since belong to anything, another ClickHouse included.
    /// </summary>
    private static async Task StopLeftoverAsync(ServerCommand command, ILogger logger)
    {
        var pidFile = PidFile(command.DataDirectory);
        if (ReadPid(pidFile) is not { } pid)
        {
            File.Delete(pidFile);
            return;
        }

        if (!ServerProcess.IsServerOf(pid, command.DataDirectory, ConfigFile(command.DataDirectory)))
        {
            LogStalePid(logger, pid);
            File.Delete(pidFile);
            return;
        }

        try
        {
            using var leftover = Process.GetProcessById(pid);
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
        catch (ArgumentException)
        {
            // gone meanwhile
        }

        File.Delete(pidFile);
    }

    private static string PidFile(string dataDirectory) => Path.Combine(dataDirectory, "server.pid");

    private static string ConfigFile(string dataDirectory) => Path.Combine(dataDirectory, "config.xml");

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A server that was replaced (a leftover stopped by a newer start) must not take the newer one's pid file with it.</summary>
    private static void DeletePidFileOf(string pidFile, int pid)
    {
        if (ReadPid(pidFile) == pid)
        {
            File.Delete(pidFile);
        }
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

    private static void WriteConfiguration(string dataDirectory, int httpPort, int tcpPort)
    {
        string Folder(string name)
        {
            var folder = Path.Combine(dataDirectory, name);
            OwnerOnly.CreateFolder(folder);
            return SecurityElement.Escape(folder + "/");
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
        OwnerOnly.WriteFile(ConfigFile(dataDirectory), config);
    }

    /// <summary>How the server is started; the same every time, so a restarted server is the same server.</summary>
    private sealed record ServerCommand(string FileName, string[] LeadingArgs, string DataDirectory)
    {
        public async Task<Process> LaunchAsync(CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo(FileName)
            {
                WorkingDirectory = DataDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in LeadingArgs)
            {
                start.ArgumentList.Add(arg);
            }

            start.ArgumentList.Add(ServerProcess.ConfigArgument(ConfigFile(DataDirectory)));
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {FileName}.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await File.WriteAllTextAsync(PidFile(DataDirectory), process.Id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            return process;
        }
    }

    private const int SigTerm = 15;

    private static int SendSignal(int pid, int signal) => Kill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local ClickHouse answers (pid {Pid}, data in {DataDirectory})")]
    private static partial void LogStarted(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local ClickHouse (pid {Pid}) stopped")]
    private static partial void LogStopped(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping a ClickHouse server (pid {Pid}) left running by an earlier hub on the same data folder")]
    private static partial void LogLeftover(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "server.pid named process {Pid}, which is not this data folder's ClickHouse server; left alone")]
    private static partial void LogStalePid(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Local ClickHouse (pid {Pid}) died with exit code {ExitCode}; starting it again in {DelaySeconds} s")]
    private static partial void LogDied(ILogger logger, int pid, int exitCode, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local ClickHouse answers again (pid {Pid})")]
    private static partial void LogRestarted(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Local ClickHouse did not start again: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string reason);
}

/// <summary>A local server a running hub started, for a command beside it: where it is and how to sign in.</summary>
public sealed record RunningLocalServer(Uri HttpUrl, ClickHouseLogin Login);
