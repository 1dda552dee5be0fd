using System.Collections.Concurrent;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Norsjo.Retail.Agent.Upload;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Hosting;
using Norsjo.Retail.Hub.Security;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// The real hub, in-process: gRPC over TLS (its development certificate) and plain HTTP on loopback
/// ports, a registry file of its own, against the fixture's ClickHouse in a database of its own.
/// </summary>
public sealed class RunningHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempFolder _root;

    private RunningHub(WebApplication app, TempFolder root, Uri grpcUrl, Uri httpUrl, ClickHouseDatabase database, ConcurrentQueue<string> log)
    {
        _app = app;
        Log = log;
        _root = root;
        GrpcUrl = grpcUrl;
        HttpUrl = httpUrl;
        Database = database;
    }

    public Uri GrpcUrl { get; }

    /// <summary>The hub's content root (its registry file), for a second hub started in the same folder, or the hub's commands beside it.</summary>
    public string ContentRoot => _root.Path;

    public Uri HttpUrl { get; }

    /// <summary>The PEM an agent pins to trust this hub.</summary>
    public string CertificatePath { get; private init; } = string.Empty;

    /// <summary>A separate connection to the hub's database, for reading back what it stored.</summary>
    public ClickHouseDatabase Database { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>What the hub logged (warnings and errors: the tests' hubs log from Warning up).</summary>
    public ConcurrentQueue<string> Log { get; }

    public static Task<RunningHub> StartAsync(Uri clickHouse, params string[] storeIds) =>
        StartAsync(clickHouse, new HubSettings(), storeIds);

    public static Task<RunningHub> StartAsync(Uri clickHouse, HubSettings settings, params string[] storeIds) =>
        StartAsync(clickHouse, null, settings, storeIds);

    /// <summary>
    /// A hub as the README runs it: no ClickHouse URL, so it starts and looks after a ClickHouse
    /// server of its own with its data (and passwords) in <paramref name="clickHouseFolder"/>.
    /// </summary>
    public static Task<RunningHub> StartWithOwnClickHouseAsync(string clickHouseFolder, HubSettings settings, params string[] storeIds) =>
        StartAsync(null, clickHouseFolder, settings, storeIds);

    private static async Task<RunningHub> StartAsync(Uri? clickHouse, string? clickHouseFolder, HubSettings settings, params string[] storeIds)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = new TempFolder("hub");
        var database = settings.Database ?? ClickHouseServerFixture.NewDatabaseName();
        var grpcUrl = settings.GrpcUrl ?? new Uri($"https://127.0.0.1:{FreePort.Next()}");
        var httpUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var tls = settings.TlsDirectory ?? Path.Combine(root.Path, "tls");
        File.WriteAllText(Path.Combine(root.Path, "registry.yaml"), settings.Registry ?? RegistryYaml(storeIds, settings.Hours) + settings.RegistryExtra);
        var args = new List<string>
        {
            "--contentRoot=" + root.Path,
            clickHouse is null ? "--ClickHouse:DataDirectory=" + clickHouseFolder : "--ClickHouse:Url=" + clickHouse,
            "--ClickHouse:Database=" + database,
            "--Tls:DevelopmentCertificateDirectory=" + tls,
            "--Kestrel:Endpoints:Grpc:Url=" + grpcUrl,
            "--Kestrel:Endpoints:Grpc:Protocols=Http2",
            "--Kestrel:Endpoints:Http:Url=" + httpUrl,
            "--Kestrel:Endpoints:Http:Protocols=Http1",
            "--Logging:LogLevel:Default=Warning",
            "--Jobs:Enabled=false",
            "--Jobs:SqlitePath=" + Path.Combine(root.Path, "hangfire.db"),
            "--Operational:SqlitePath=" + OperationalStorePath(database),
        };
        foreach (var (id, registry) in settings.Municipalities)
        {
            File.WriteAllText(Path.Combine(root.Path, $"registry-{id}.yaml"), registry);
            args.Add($"--Municipalities:{id}:Registry=registry-{id}.yaml");
        }

        args.AddRange(settings.ExtraArgs);
        var log = new ConcurrentQueue<string>();
        var app = HubApplication.Build([.. args], services =>
        {
            services.AddSingleton<ILoggerProvider>(new QueueLoggerProvider(log));
            if (settings.Clock is { } clock)
            {
                services.AddSingleton(clock);
            }
        });
        await app.StartAsync();
        var readBack = clickHouse ?? app.Services.GetRequiredService<ClickHouseStorage>().ConnectionUrl;
        return new RunningHub(app, root, grpcUrl, httpUrl, new ClickHouseDatabase(readBack, database), log)
        {
            CertificatePath = Path.Combine(tls, DevelopmentCertificate.PemName),
        };
    }

    /// <summary>
    /// Hubs on one ClickHouse database are one deployment (a restarted hub, two hubs side by side), so
    /// they share one operational store: a SQLite file named after the database.
    /// </summary>
    public static string OperationalStorePath(string database) =>
        Path.Combine(Path.GetTempPath(), "norsjo-operational", database + ".db");

    /// <summary>A registry with the given stores, open every day, opened on 1 January 2020.</summary>
    public static string RegistryYaml(IEnumerable<string> storeIds, string hours = "08:00-20:00")
    {
        var yaml = new StringBuilder("municipality: Norsjö\nstores:\n");
        foreach (var id in storeIds)
        {
            yaml.Append("  - id: ").Append(id).Append("\n    name: Test ").Append(id)
                .Append("\n    village: Bastuträsk\n    opened: 2020-01-01\n    hours:\n      mon-sun: \"").Append(hours).Append("\"\n");
        }

        return yaml.Append("years:\n  - year: 2017\n    population: 4100\n    national_turnover_per_resident_kr:\n      dagligvaror: 34202\n      sallankopsvaror: 31233\n").ToString();
    }

    /// <summary>Enrolls like an agent: a code from the hub's credential store, exchanged over gRPC.</summary>
    public async Task<string> EnrollAsync(string storeId)
    {
        var code = await Services.GetRequiredService<StoreCredentials>().IssueEnrollmentCodeAsync(storeId);
        using var channel = Channel();
        var reply = await new Enrollment.EnrollmentClient(channel).EnrollAsync(new EnrollRequest { Code = code });
        Assert.Equal(storeId, reply.StoreId);
        return reply.Credential;
    }

    /// <summary>A channel that trusts this hub's certificate, as an agent is configured to.</summary>
    public GrpcChannel Channel() => HubChannel.Create(GrpcUrl, CertificatePath);

    public static Metadata Credential(string credential) => new() { { "authorization", "Bearer " + credential } };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Database.Dispose();
        _root.Dispose();
    }
}

public sealed record HubSettings(Uri? GrpcUrl = null, string? Database = null, string? TlsDirectory = null, params string[] ExtraArgs)
{
    /// <summary>More top-level registry sections (e.g. subsidy rules), appended to the generated file.</summary>
    public string RegistryExtra { get; init; } = string.Empty;

    /// <summary>A whole registry file to use instead of the generated one.</summary>
    public string? Registry { get; init; }

    /// <summary>Further municipalities on the hub: id → registry file (the generated or given one is the first municipality's).</summary>
    public IReadOnlyDictionary<string, string> Municipalities { get; init; } = new Dictionary<string, string>();

    /// <summary>The hub's clock, if not the system's: tests that need a fixed "today" give a <see cref="FixedClock"/>.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Every store's opening hours, every day.</summary>
    public string Hours { get; init; } = "08:00-20:00";
}
