using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// Owns the hub's ClickHouse for the life of the host: starts the local server when no URL is
/// configured (and keeps it running: a server that dies is started again), brings the schema up
/// to date, and stops the local server on shutdown. Hosted services start before Kestrel listens,
/// so no request arrives before the schema is ready.
/// </summary>
public sealed partial class ClickHouseStorage(
    IOptions<ClickHouseOptions> options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ClickHouseStorage>();
    private LocalClickHouseServer? _localServer;
    private ClickHouseDatabase? _database;
    private Uri? _connectionUrl;

    public ClickHouseDatabase Database =>
        _database ?? throw new InvalidOperationException("ClickHouse storage has not been started.");

    public bool IsLocalServer => _localServer is not null;

    /// <summary>The first server's address with the hub's login in it, for tests that read back what the hub stored.</summary>
    internal Uri ConnectionUrl => _connectionUrl ?? throw new InvalidOperationException("ClickHouse storage has not been started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.Cluster) && string.IsNullOrWhiteSpace(settings.Url))
        {
            throw new InvalidOperationException("ClickHouse:Cluster needs ClickHouse:Url, the address of one or more of the cluster's servers.");
        }

        IReadOnlyList<Uri> urls;
        ClickHouseLogin? login = string.IsNullOrEmpty(settings.Username) ? null : new ClickHouseLogin(settings.Username, settings.Password ?? string.Empty);
        if (string.IsNullOrWhiteSpace(settings.Url)
            && settings.AttachToRunningLocalServer
            && LocalClickHouseServer.FindRunning(settings.DataDirectory) is { } running)
        {
            urls = [running.HttpUrl];
            login = running.Login;
            LogAttached(_logger, settings.DataDirectory);
        }
        else if (string.IsNullOrWhiteSpace(settings.Url))
        {
            _localServer = await LocalClickHouseServer.StartAsync(
                settings.DataDirectory, settings.ServerBinary, _logger, settings.LocalHttpPort, settings.LocalTcpPort, keepRunning: true,
                grafanaDatabase: PublishedDatabase.NameFor(settings.Database), cancellationToken: cancellationToken).ConfigureAwait(false);
            urls = [_localServer.HttpUrl];
            login = _localServer.HubLogin;
        }
        else
        {
            urls = [.. settings.Url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))];
            LogConfigured(_logger, urls.Count, settings.Database);
        }

        _connectionUrl = login is null ? urls[0] : login.InUrl(urls[0]);
        var cluster = string.IsNullOrWhiteSpace(settings.Cluster) ? null : settings.Cluster.Trim();
        _database = new ClickHouseDatabase(
            urls, settings.Database, login?.Username, login?.Password, settings.RequestTimeout, cluster,
            loggerFactory.CreateLogger<ClickHouseDatabase>());
        var migrator = new SchemaMigrator(_database, loggerFactory.CreateLogger<SchemaMigrator>());
        await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await PublishedDatabase.EnsureAsync(_database, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _database?.Dispose();
        _database = null;
        if (_localServer is not null)
        {
            await _localServer.DisposeAsync().ConfigureAwait(false);
            _localServer = null;
        }
    }

    // Addresses are not logged: a configured one may carry a login in its user part.
    [LoggerMessage(Level = LogLevel.Information, Message = "Using the configured ClickHouse ({Count} address(es), database {Database})")]
    private static partial void LogConfigured(ILogger logger, int count, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the ClickHouse server the running hub started on {DataDirectory}")]
    private static partial void LogAttached(ILogger logger, string dataDirectory);
}
