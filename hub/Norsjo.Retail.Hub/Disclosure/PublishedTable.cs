using System.Globalization;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>
/// Writes what <see cref="MunicipalFigures"/> publishes into ClickHouse (municipal_figures), for
/// municipalities that read their figures in Grafana: the Grafana panels read only this table (and
/// the agents' freshness), never the sales tables, so they pass through the same rule as the pages.
/// Each run writes a full set under its own version; readers take the latest version, so a figure
/// held back since (a consent revoked, a locality merged) is gone at once.
/// </summary>
public sealed class PublishedTable(MunicipalFigures figures, ClickHouseStorage storage, TimeProvider time)
{
    private readonly Lock _versionLock = new();
    private long _lastVersion;

    /// <summary>The last 36 settled months. Returns the version written.</summary>
    public async Task<long> PublishAsync(CancellationToken cancellationToken)
    {
        var last = figures.LastSettledMonth;
        var first = last.AddMonths(-35);
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
        await storage.Database.InsertAsync("municipal_figures", ["version", "month", "figure", "key", "value", "shown"], rows, cancellationToken).ConfigureAwait(false);
        return version;
    }
}

/// <summary>Publishes the table at start and then every hour (Disclosure:PublishEvery), so settled months and consents reach Grafana.</summary>
public sealed partial class PublishedTableService(PublishedTable table, TimeProvider time, Microsoft.Extensions.Options.IOptions<DisclosureOptions> options, ILogger<PublishedTableService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PublishEvery, time);
        do
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
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the municipal figures for Grafana: {Reason}; trying again at the next tick")]
    private static partial void LogFailed(ILogger logger, string reason);
}
