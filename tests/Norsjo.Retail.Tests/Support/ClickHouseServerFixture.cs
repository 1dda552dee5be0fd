using Microsoft.Extensions.Logging.Abstractions;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// One real clickhouse-server for the test run, started by the hub's own code on a free loopback
/// port with its own data folder. Each test gets a database of its own.
/// </summary>
public sealed class ClickHouseServerFixture : IAsyncLifetime
{
    /// <summary>
    /// In memory (/dev/shm) where there is room: a run's hundreds of test databases are about a million
    /// small part files, whose deletion on disk took 46 s after the last ClickHouse test in CI (68 s
    /// beside other processes). The server is thrown away after the run, so nothing needs a disk.
    /// </summary>
    private static readonly string Root = Directory.Exists("/dev/shm") && new DriveInfo("/dev/shm").AvailableFreeSpace > 4L << 30 ? "/dev/shm" : Path.GetTempPath();

    private readonly string _folder = Path.Combine(Root, $"norsjo-clickhouse-{Guid.NewGuid():N}");
    private LocalClickHouseServer? _server;

    /// <summary>The server's address with the hub user's login in it (the server has no passwordless user).</summary>
    public Uri Url => _server?.ConnectionUrl ?? throw new InvalidOperationException("not started");

    /// <summary>The server's read-only user, as Grafana signs in.</summary>
    public ClickHouseLogin GrafanaLogin => new(
        LocalClickHouseUsers.GrafanaUser, File.ReadAllText(Path.Combine(_folder, LocalClickHouseUsers.GrafanaPasswordFile)).Trim());

    public async Task InitializeAsync()
    {
        await FixtureTimes.TimeAsync(nameof(ClickHouseServerFixture), "server started", async () => _server = await LocalClickHouseServer.StartAsync(_folder));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await FixtureTimes.TimeAsync(nameof(ClickHouseServerFixture), "server stopped", () => _server.DisposeAsync().AsTask());
        }

        await FixtureTimes.TimeAsync(nameof(ClickHouseServerFixture), "data folder deleted", () => Task.Run(() => Directory.Delete(_folder, recursive: true)));
    }

    public static string NewDatabaseName() => "test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A fresh database with the hub's schema applied.</summary>
    public async Task<ClickHouseDatabase> MigratedDatabaseAsync()
    {
        var database = new ClickHouseDatabase(Url, NewDatabaseName());
        await new SchemaMigrator(database, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return database;
    }
}

[CollectionDefinition(Name)]
public sealed class ClickHouseGroup : ICollectionFixture<ClickHouseServerFixture>
{
    public const string Name = "ClickHouse";
}
