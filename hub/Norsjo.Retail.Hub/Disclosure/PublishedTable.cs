using System.Globalization;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>
/// Writes what <see cref="MunicipalFigures"/> publishes into the published database
/// (<see cref="PublishedDatabase"/>, <c>municipal_figures</c>), for municipalities that read their
/// figures in Grafana, with the agents' freshness (<c>agent_freshness</c>): Grafana's user may read
/// only that database, so its panels pass through the same rule as the pages. Each run first
/// revises the published months where the rule allows it (<see cref="PublishedMonths.ReviseAsync"/>),
/// then writes a full set under its own version; readers take the latest version, so a figure
/// held back since (a consent revoked) is gone at once.
/// </summary>
public sealed class PublishedTable(
    MunicipalFigures figures, PublishedMonths months, ClickHouseStorage storage, StoreAnalytics analytics, SilentAgents silence, RegistryFacts facts,
    Tenancy.Municipality municipality, TimeProvider time)
{
    private readonly Lock _versionLock = new();
    private long _lastVersion;

    /// <summary>The last 36 settled months. Returns the version written.</summary>
    public async Task<long> PublishAsync(CancellationToken cancellationToken)
    {
        var last = figures.LastSettledMonth;
        var first = last.AddMonths(-35);
        await months.ReviseAsync(first, last, cancellationToken).ConfigureAwait(false);
        if (!municipality.IsFirst)
        {
            // Grafana's published database has no municipality column yet: it holds the first
            // municipality's figures only, and a further one's must never overwrite (or join) them.
            return 0;
        }

        // Two runs in one millisecond (a consent beside the hourly run) must not share a version: their rows would add up.
        long version;
        lock (_versionLock)
        {
            version = _lastVersion = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _lastVersion + 1);
        }

        var rows = new TabSeparatedRows();
        void Row(string month, string figure, string key, double value, bool shown) =>
            rows.Row(version, DateOnly.ParseExact(month[..7] + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture), figure, key, value.ToString("R", CultureInfo.InvariantCulture), shown ? 1 : 0);

        foreach (var (month, kr, stores, shown) in await figures.MonthlySalesAsync(first, last, cancellationToken).ConfigureAwait(false))
        {
            Row(month, "sales", string.Empty, (double)kr, shown);
            Row(month, "reporting_stores", string.Empty, stores, true);
        }

        foreach (var cash in await figures.CashShareAsync(first, last, cancellationToken).ConfigureAwait(false))
        {
            Row(cash.Month, "cash_share", string.Empty, (double)(cash.CashShare ?? 0), !cash.Suppressed);
        }

        foreach (var (month, hour, receipts, shown) in await figures.ReceiptsByHourAsync(first, last, cancellationToken).ConfigureAwait(false))
        {
            Row(month, "receipts_by_hour", hour, receipts, shown);
        }

        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            var deliveries = await figures.DeliveriesAsync(month, cancellationToken).ConfigureAwait(false);
            foreach (var d in deliveries.Localities)
            {
                Row(deliveries.Month, "deliveries", d.Locality, d.Deliveries, !d.Suppressed);
                Row(deliveries.Month, "delivery_households", d.Locality, d.Households, !d.Suppressed);
                Row(deliveries.Month, "delivery_distance_km_sum", d.Locality, (double)(d.AverageDistanceKm * d.Deliveries), !d.Suppressed);
                Row(deliveries.Month, "delivery_stores", d.Locality, d.Stores, !d.Suppressed);
            }
        }

        Row(last.ToString("yyyy-MM", CultureInfo.InvariantCulture), "published", string.Empty, 1, true);

        // Freshness: what the municipality sees per store anyway (no sales figure): last delivery, last sale day, silent or not.
        var silent = (await silence.LatestAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.StoreId, s => s.Silent, StringComparer.Ordinal);
        var fresh = new TabSeparatedRows();
        foreach (var f in await analytics.FreshnessAsync(null, facts.Current.Stores.Where(s => s.Reports).Select(s => s.Id), time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            if (f.LastUpload is { } upload)
            {
                fresh.Row(version, f.StoreId, upload.ToUnixTimeMilliseconds(), f.LastSale ?? string.Empty, silent.GetValueOrDefault(f.StoreId) ? 1 : 0);
            }
        }

        var published = PublishedDatabase.NameFor(storage.Database.Name);
        await InsertAsync(published, "municipal_figures", "version, month, figure, key, value, shown", rows, cancellationToken).ConfigureAwait(false);
        await InsertAsync(published, "agent_freshness", "version, store_id, last_upload_ms, last_sale, silent", fresh, cancellationToken).ConfigureAwait(false);
        return version;
    }

    /// <summary>Into the published database (another database than the hub's): the rows inline after FORMAT.</summary>
    private Task InsertAsync(string database, string table, string columns, TabSeparatedRows rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.CompletedTask
            : storage.Database.ExecuteAsync($"INSERT INTO {database}.{table} ({columns}) FORMAT TabSeparated\n{rows}", cancellationToken);
}

/// <summary>Publishes the table every hour (Disclosure:PublishEvery), so settled months and consents reach Grafana.</summary>
public sealed partial class PublishedTableService(PublishedTable table, TimeProvider time, Microsoft.Extensions.Options.IOptions<DisclosureOptions> options, ILogger<PublishedTableService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first run one period after start, not at it: the table is kept from before a restart, and
        // at a first start the agents' history is still arriving (consent changes publish at once).
        using var timer = new PeriodicTimer(options.Value.PublishEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await table.PublishAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the municipal figures for Grafana: {Reason}; trying again at the next tick")]
    private static partial void LogFailed(ILogger logger, string reason);
}
