using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// Owns the hub's ClickHouse for the life of the host: starts the local server when no URL is
/// configured, brings the schema up to date, and stops the local server on shutdown. Hosted
/// services start before Kestrel listens, so no request arrives before the schema is ready.
/// </summary>
public sealed partial class ClickHouseStorage(
    IOptions<ClickHouseOptions> options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ClickHouseStorage>();
    private LocalClickHouseServer? _localServer;
    private ClickHouseDatabase? _database;

    public ClickHouseDatabase Database =>
        _database ?? throw new InvalidOperationException("ClickHouse storage has not been started.");

    public bool IsLocalServer => _localServer is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.Cluster) && string.IsNullOrWhiteSpace(settings.Url))
        {
            throw new InvalidOperationException("ClickHouse:Cluster needs ClickHouse:Url, the address of one or more of the cluster's servers.");
        }

        IReadOnlyList<Uri> urls;
        if (string.IsNullOrWhiteSpace(settings.Url)
            && settings.AttachToRunningLocalServer
            && LocalClickHouseServer.FindRunning(settings.DataDirectory) is { } running)
        {
            urls = [running];
            LogExisting(_logger, running);
        }
        else if (string.IsNullOrWhiteSpace(settings.Url))
        {
            _localServer = await LocalClickHouseServer.StartAsync(
                settings.DataDirectory, settings.ServerBinary, _logger, cancellationToken: cancellationToken).ConfigureAwait(false);
            urls = [_localServer.HttpUrl];
        }
        else
        {
            urls = [.. settings.Url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))];
            foreach (var url in urls)
            {
                LogExisting(_logger, url);
            }
        }

        var cluster = string.IsNullOrWhiteSpace(settings.Cluster) ? null : settings.Cluster.Trim();
        _database = new ClickHouseDatabase(
            urls, settings.Database, settings.Username, settings.Password, settings.RequestTimeout, cluster,
            loggerFactory.CreateLogger<ClickHouseDatabase>());
        var migrator = new SchemaMigrator(_database, loggerFactory.CreateLogger<SchemaMigrator>());
        await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the configured ClickHouse at {Url}")]
    private static partial void LogExisting(ILogger logger, Uri url);
}
