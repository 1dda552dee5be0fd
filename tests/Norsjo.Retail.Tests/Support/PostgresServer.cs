using System.Diagnostics;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A private PostgreSQL server (Debian's) on a free loopback port with its own data folder, for
/// Hangfire's shared storage. As root the server runs as the postgres user, as PostgreSQL insists.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly bool _asPostgres;

    private PostgresServer(string bin, string folder, int port, bool asPostgres)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
        _asPostgres = asPostgres;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(v => Path.Combine(v, "bin"))
            .FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql).");
        var folder = Path.Combine(Path.GetTempPath(), $"norsjo-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync("chown", ["-R", "postgres", folder]);
        }

        var server = new PostgresServer(bin, folder, FreePort.Next(), asPostgres);
        await server.RunPgAsync("initdb", ["-D", Path.Combine(folder, "data"), "--auth=trust", "-U", "postgres", "--no-sync"]);
        await server.RunPgAsync("pg_ctl", ["-D", Path.Combine(folder, "data"), "-w", "-l", Path.Combine(folder, "log"),
            "-o", $"-p {server.Port} -h 127.0.0.1 -k {folder}", "start"]);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await RunPgAsync("pg_ctl", ["-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "stop"]);
        Directory.Delete(_folder, recursive: true);
    }

    private Task RunPgAsync(string tool, string[] args) =>
        _asPostgres
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await errors}{await output}");
        }
    }
}
