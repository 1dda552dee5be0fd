using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Hosting;
using Norsjo.Retail.Hub.Security;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Benchmarks;

/// <summary>A real hub with its own local ClickHouse, on loopback, for benchmarks.</summary>
public sealed class BenchHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LocalClickHouseServer? _ownClickHouse;

    private BenchHub(WebApplication app, LocalClickHouseServer? ownClickHouse, int clickHouseTcpPort, string folder, Uri grpcUrl, Uri httpUrl, ClickHouseDatabase database)
    {
        _app = app;
        _ownClickHouse = ownClickHouse;
        ClickHouseTcpPort = clickHouseTcpPort;
        Folder = folder;
        GrpcUrl = grpcUrl;
        HttpUrl = httpUrl;
        Database = database;
    }

    public Uri HttpUrl { get; }

    public int ClickHouseTcpPort { get; }

    /// <summary>The ClickHouse user and password, for clickhouse-client beside the hub.</summary>
    public ClickHouseLogin ClickHouseLogin { get; private init; } = null!;

    public IServiceProvider Services => _app.Services;

    public string Folder { get; }

    public Uri GrpcUrl { get; }

    public string CertificatePath => Path.Combine(Folder, "tls", DevelopmentCertificate.PemName);

    public ClickHouseDatabase Database { get; }

    public static Task<BenchHub> StartAsync(params string[] storeIds) =>
        StartAsync(storeIds.Select(id => (id, "Norsjö")).ToArray());

    public static Task<BenchHub> StartAsync(params (string Id, string Village)[] stores) => StartAsync(stores, null, "norsjo_retail");

    /// <summary>
    /// A hub whose registry lists <paramref name="stores"/>, on its own ClickHouse or, given
    /// <paramref name="shared"/>, on that server in its own <paramref name="database"/> (several
    /// hubs side by side, background jobs off so they do not disturb the timings).
    /// </summary>
    public static Task<BenchHub> StartAsync((string Id, string Village)[] stores, LocalClickHouseServer? shared, string database, params string[] hubArgs) =>
        StartAsync(stores, [], shared, database, hubArgs);

    /// <summary>As above, with further municipalities on the hub (issue 20), each with its own registry of its <c>Stores</c>.</summary>
    public static async Task<BenchHub> StartAsync(
        (string Id, string Village)[] stores, IReadOnlyList<(string Id, (string Id, string Village)[] Stores)> further, LocalClickHouseServer? shared, string database, params string[] hubArgs)
    {
        ArgumentNullException.ThrowIfNull(further);
        var folder = Path.Combine(Path.GetTempPath(), "norsjo-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var own = shared is null ? await LocalClickHouseServer.StartAsync(Path.Combine(folder, "clickhouse")) : null;
        var clickHouse = shared ?? own!;
        static string Yaml(string name, IEnumerable<(string Id, string Village)> listed) => $"municipality: {name}\nstores:\n" + string.Concat(listed.Select(s =>
            $"  - id: {s.Id}\n    name: {s.Id}\n    village: {s.Village}\n    opened: 2020-01-01\n    hours:\n      mon-sun: \"08:00-20:00\"\n"))
            + "years:\n  - year: 2017\n    population: 4100\n    national_turnover_per_resident_kr:\n      dagligvaror: 34202\n      sallankopsvaror: 31233\n";
        await File.WriteAllTextAsync(Path.Combine(folder, "registry.yaml"), Yaml("Norsjö", stores));
        var municipalities = new List<string>();
        foreach (var (id, listed) in further)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, $"registry-{id}.yaml"), Yaml(id, listed));
            municipalities.Add($"--Municipalities:{id}:Registry=registry-{id}.yaml");
        }

        var grpcUrl = new Uri($"https://127.0.0.1:{FreePort()}");
        var httpUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        var app = HubApplication.Build(
        [
            "--contentRoot=" + folder,
            "--ClickHouse:Url=" + clickHouse.ConnectionUrl,
            "--Tls:DevelopmentCertificateDirectory=" + Path.Combine(folder, "tls"),
            "--Operational:SqlitePath=" + Path.Combine(folder, "operational-" + database + ".db"),
            "--Kestrel:Endpoints:Grpc:Url=" + grpcUrl,
            "--Kestrel:Endpoints:Grpc:Protocols=Http2",
            "--Kestrel:Endpoints:Http:Url=" + httpUrl,
            "--Ingest:UploadsPerSecondPerStore=10000",
            "--Ingest:UploadBurstPerStore=10000",
            "--ClickHouse:Database=" + database,
            "--Logging:LogLevel:Default=Warning",
            .. shared is null ? Array.Empty<string>() : ["--Jobs:Enabled=false"],
            .. municipalities,
            .. hubArgs,
        ]);
        await app.StartAsync();
        return new BenchHub(app, own, clickHouse.TcpPort, folder, grpcUrl, httpUrl,
            new ClickHouseDatabase(clickHouse.ConnectionUrl, database, timeout: TimeSpan.FromMinutes(10)))
        {
            ClickHouseLogin = clickHouse.HubLogin,
        };
    }

    public async Task<string> EnrollAsync(string storeId)
    {
        var code = await _app.Services.GetRequiredService<StoreCredentials>().IssueEnrollmentCodeAsync(storeId);
        using var channel = Norsjo.Retail.Agent.Upload.HubChannel.Create(GrpcUrl, CertificatePath);
        return (await new Enrollment.EnrollmentClient(channel).EnrollAsync(new EnrollRequest { Code = code })).Credential;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Database.Dispose();
        if (_ownClickHouse is not null)
        {
            await _ownClickHouse.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
