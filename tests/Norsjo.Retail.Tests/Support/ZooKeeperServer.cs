using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A private single-node ZooKeeper (Debian's zookeeper package) on a free loopback port with its
/// own data folder and zoo.cfg: the coordination a replicated ClickHouse needs. Not the system
/// service: the test starts it and stops it.
/// </summary>
public sealed class ZooKeeperServer : IAsyncDisposable
{
    private const string Jar = "/usr/share/java/zookeeper.jar";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly TempFolder _folder;

    private ZooKeeperServer(Process process, TempFolder folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ZooKeeperServer> StartAsync()
    {
        if (!File.Exists(Jar))
        {
            throw new InvalidOperationException($"ZooKeeper is not installed ({Jar} is missing): apt-get install zookeeper, or run ./norsjo test.");
        }

        var folder = new TempFolder("zookeeper");
        var port = FreePort.Next();
        var config = Path.Combine(folder.Path, "zoo.cfg");
        // tickTime 500 ms: sessions of a killed ClickHouse expire within seconds, not half a minute.
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            tickTime=500
            dataDir={folder.Sub("data")}
            clientPort={port}
            clientPortAddress=127.0.0.1
            maxClientCnxns=0
            admin.enableServer=false
            4lw.commands.whitelist=srvr
            """));

        // The jar's manifest names its dependencies; slf4j-simple (when present) makes its errors readable.
        var classPath = File.Exists("/usr/share/java/slf4j-simple.jar") ? Jar + ":/usr/share/java/slf4j-simple.jar" : Jar;
        var start = new ProcessStartInfo("java")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder.Path,
        };
        foreach (var arg in new[] { "-Xmx128m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath,
                     "org.apache.zookeeper.server.ZooKeeperServerMain", config })
        {
            start.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start java for ZooKeeper.");
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ZooKeeperServer(process, folder, port);

        var clock = Stopwatch.StartNew();
        while (!await server.AnswersAsync())
        {
            if (process.HasExited || clock.Elapsed > StartTimeout)
            {
                await server.DisposeAsync();
                string log;
                lock (output)
                {
                    log = output.ToString();
                }

                throw new InvalidOperationException($"ZooKeeper did not start on port {port} within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{log}");
            }

            await Task.Delay(100);
        }

        return server;
    }

    /// <summary>
    /// Serving sessions, not merely running: "srvr" answers "Mode: standalone" only then ("ruok" says
    /// "imok" earlier, and a clickhouse-server connecting in that gap loses its DDL worker for good on
    /// 18.16 — seen here, with a crash on the next ZooKeeper call).
    /// </summary>
    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("srvr"u8.ToArray(), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var answer = await reader.ReadToEndAsync(timeout.Token);
            return answer.Contains("Mode: standalone", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _folder.Dispose();
    }
}
