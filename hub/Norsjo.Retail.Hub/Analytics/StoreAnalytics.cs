using System.Globalization;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Hub.Analytics;

/// <summary>
/// What a store owner sees of their own shop, read from the day and hour aggregates. Every method
/// takes the store and an inclusive date range already checked by the API.
/// </summary>
public sealed class StoreAnalytics(ClickHouseStorage storage, TimeProvider time)
{
    private sealed record FirstDay(string First);

    private sealed record Sum(string Key, long GrossOre, long Receipts);

    private sealed record Cell(int Weekday, int Hour, long Receipts, long GrossOre);

    private sealed record Bucket(int BucketIndex, long Receipts, long GrossOre);

    private sealed record Method(string Name, long AmountOre);

    private sealed record CategoryRow(string Category, long GrossOre, long VatOre, long QuantityMilli, long ReturnedOre);

    private sealed record ReturnsRow(string Month, long ReturnedOre, long GrossOre);

    private sealed record DeliveryRow(string Locality, long Deliveries, long Households, long OrderOre, double AverageDistanceM, int Stores);

    private sealed record FreshRow(string StoreId, string LastSale, ulong LastUploadMs);

    /// <summary>The same period last year: 364 days back for days and weeks (same weekday), a year back for months.</summary>
    public static int DaysBack(string grain) => grain == "month" ? 0 : 364;

    public static string PeriodSql(string grain, string column) => grain switch
    {
        "day" => $"toString({column})",
        "week" => $"toString(toMonday({column}))",
        _ => $"toString(toStartOfMonth({column}))",
    };

    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(string storeId, string grain, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var now = await SumsAsync(storeId, grain, from, to, cancellationToken).ConfigureAwait(false);
        var (lastFrom, lastTo) = grain == "month" ? (from.AddYears(-1), to.AddYears(-1)) : (from.AddDays(-364), to.AddDays(-364));
        var before = (await SumsAsync(storeId, grain, lastFrom, lastTo, cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => Shift(s.Key, grain), StringComparer.Ordinal);
        var firstDay = await FirstSaleDayAsync(storeId, cancellationToken).ConfigureAwait(false);
        var today = Time.SwedishTime.Today(time);
        return now.Select(s =>
        {
            var last = before.GetValueOrDefault(s.Key);
            var (start, end) = Bounds(s.Key, grain);
            var lastYearStart = grain == "month" ? start.AddYears(-1) : start.AddDays(-364);
            return new TrendPoint(s.Key, s.GrossOre / 100m, s.Receipts, (last?.GrossOre ?? 0) / 100m, last?.Receipts ?? 0,
                Complete: start >= from && end <= to && end < today,
                LastYearHasData: firstDay is { } first && lastYearStart >= first);
        }).ToList();
    }

    /// <summary>The first and last day of a trend period named by its key (the day, the Monday, the first of the month).</summary>
    public static (DateOnly Start, DateOnly End) Bounds(string key, string grain)
    {
        var start = DateOnly.ParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return grain switch
        {
            "day" => (start, start),
            "week" => (start, start.AddDays(6)),
            _ => (start, start.AddMonths(1).AddDays(-1)),
        };
    }

    /// <summary>The store's first day with sales: before it, "last year" is no figure at all, not 0 kr.</summary>
    private async Task<DateOnly?> FirstSaleDayAsync(string storeId, CancellationToken cancellationToken)
    {
        var rows = await storage.Database.QueryAsync<FirstDay>(
            $"SELECT toString(min(sale_date)) AS First FROM receipts_hourly WHERE store_id = {SqlLiteral.Text(storeId)} AND receipts > 0", cancellationToken).ConfigureAwait(false);
        return rows.Count == 1 && DateOnly.TryParseExact(rows[0].First, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) && first.Year > 1970
            ? first
            : null;
    }

    public static string TrendSql(string storeId, string grain, DateOnly from, DateOnly to) => $"""
        SELECT {PeriodSql(grain, "sale_date")} AS Key, sum(gross_ore) AS GrossOre, sum(receipts) AS Receipts
        FROM receipts_hourly FINAL
        WHERE store_id = {SqlLiteral.Text(storeId)} AND sale_date BETWEEN {SqlLiteral.Date(from)} AND {SqlLiteral.Date(to)}
        GROUP BY Key ORDER BY Key
        """;

    public async Task<IReadOnlyList<HourCell>> HoursAsync(string storeId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        (await storage.Database.QueryAsync<Cell>(HoursSql(storeId, from, to), cancellationToken).ConfigureAwait(false))
            .Select(c => new HourCell(c.Weekday, c.Hour, c.Receipts, c.GrossOre / 100m)).ToList();

    public static string HoursSql(string storeId, DateOnly from, DateOnly to) => $"""
        SELECT toDayOfWeek(sale_date) AS Weekday, hour AS Hour, sum(receipts) AS Receipts, sum(gross_ore) AS GrossOre
        FROM receipts_hourly FINAL
        WHERE {StoreRange(storeId, from, to)}
        GROUP BY Weekday, Hour ORDER BY Weekday, Hour
        """;

    public async Task<Baskets> BasketsAsync(string storeId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var rows = await storage.Database.QueryAsync<Bucket>(BasketsSql(storeId, from, to), cancellationToken).ConfigureAwait(false);
        var bounds = Aggregates.BasketBucketsKr;
        var distribution = Enumerable.Range(0, bounds.Count + 1)
            .Select(i => new BasketBucket(i == 0 ? 0 : bounds[i - 1], i < bounds.Count ? bounds[i] : null, rows.FirstOrDefault(r => r.BucketIndex == i)?.Receipts ?? 0))
            .ToList();
        var receipts = rows.Sum(r => r.Receipts);
        return new Baskets(receipts, receipts == 0 ? 0 : Math.Round(rows.Sum(r => r.GrossOre) / 100m / receipts, 2), distribution);
    }

    public static string BasketsSql(string storeId, DateOnly from, DateOnly to) => $"""
        SELECT basket_bucket AS BucketIndex, sum(receipts) AS Receipts, sum(gross_ore) AS GrossOre
        FROM receipts_hourly FINAL
        WHERE {StoreRange(storeId, from, to)}
        GROUP BY BucketIndex ORDER BY BucketIndex
        """;

    public async Task<PaymentMix> PaymentsAsync(string storeId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var rows = await storage.Database.QueryAsync<Method>(PaymentsSql(storeId, from, to), cancellationToken).ConfigureAwait(false);
        var total = rows.Sum(r => r.AmountOre);
        decimal Share(long ore) => total == 0 ? 0 : Math.Round((decimal)ore / total, 4);
        return new PaymentMix(rows.Select(r => new PaymentShare(r.Name, r.AmountOre / 100m, Share(r.AmountOre))).ToList(),
            Share(rows.Where(r => r.Name == "cash").Sum(r => r.AmountOre)));
    }

    public static string PaymentsSql(string storeId, DateOnly from, DateOnly to) => $"""
        SELECT toString(method) AS Name, sum(amount_ore) AS AmountOre
        FROM payments_daily FINAL
        WHERE {StoreRange(storeId, from, to)}
        GROUP BY Name ORDER BY AmountOre DESC
        """;

    public async Task<IReadOnlyList<CategoryFigure>> CategoriesAsync(string storeId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        (await storage.Database.QueryAsync<CategoryRow>(CategoriesSql(storeId, from, to), cancellationToken).ConfigureAwait(false))
            .Select(r => new CategoryFigure(r.Category, r.GrossOre / 100m, r.VatOre / 100m, r.QuantityMilli / 1000m, r.ReturnedOre / 100m)).ToList();

    public static string CategoriesSql(string storeId, DateOnly from, DateOnly to) => $"""
        SELECT category AS Category, sum(gross_ore) AS GrossOre, sum(vat_ore) AS VatOre, sum(quantity_milli) AS QuantityMilli, sum(returned_gross_ore) AS ReturnedOre
        FROM sales_daily FINAL
        WHERE {StoreRange(storeId, from, to)}
        GROUP BY Category ORDER BY GrossOre DESC
        """;

    public async Task<IReadOnlyList<ReturnsMonth>> ReturnsAsync(string storeId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        (await storage.Database.QueryAsync<ReturnsRow>(ReturnsSql(storeId, from, to), cancellationToken).ConfigureAwait(false))
            .Select(r => new ReturnsMonth(r.Month, r.ReturnedOre / 100m, r.GrossOre / 100m,
                r.GrossOre + r.ReturnedOre == 0 ? 0 : Math.Round((decimal)r.ReturnedOre / (r.GrossOre + r.ReturnedOre), 4))).ToList();

    public static string ReturnsSql(string storeId, DateOnly from, DateOnly to) => $"""
        SELECT toString(toStartOfMonth(sale_date)) AS Month, sum(returned_gross_ore) AS ReturnedOre, sum(gross_ore) AS GrossOre
        FROM sales_daily FINAL
        WHERE {StoreRange(storeId, from, to)}
        GROUP BY Month ORDER BY Month
        """;

    /// <summary>One store's deliveries per locality (the municipality's are in Disclosure/MunicipalFigures.cs).</summary>
    public async Task<IReadOnlyList<DeliveryFigure>> DeliveriesAsync(string storeId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        (await storage.Database.QueryAsync<DeliveryRow>(DeliveriesSql(storeId, from, to), cancellationToken).ConfigureAwait(false))
            .Select(r => new DeliveryFigure(r.Locality, r.Deliveries, r.Households, r.OrderOre / 100m, Math.Round((decimal)r.AverageDistanceM / 1000m, 1), r.Stores, false))
            .ToList();

    /// <remarks>
    /// The newest copy of each delivery by <c>argMax(…, version)</c>, not <c>FINAL</c>: the same answer (a batch
    /// writes one row per delivery, so no two copies share a version), and at 5,000 stores × 10 years FINAL made
    /// one store's year 30–90 ms against 5–8 ms (`./norsjo bench queries`, issue 20).
    /// </remarks>
    public static string DeliveriesSql(string storeId, DateOnly from, DateOnly to) => $"""
        SELECT locality AS Locality, count() AS Deliveries, uniqExact(household_key) AS Households, sum(order_value_ore) AS OrderOre,
               avg(distance_m) AS AverageDistanceM, toInt32(1) AS Stores
        FROM (
            SELECT delivery_key, argMax(locality, version) AS locality, argMax(household_key, version) AS household_key,
                   argMax(order_value_ore, version) AS order_value_ore, argMax(distance_m, version) AS distance_m
            FROM home_deliveries
            WHERE store_id = {SqlLiteral.Text(storeId)} AND delivery_date BETWEEN {SqlLiteral.Date(from)} AND {SqlLiteral.Date(to)}
            GROUP BY delivery_date, delivery_key)
        GROUP BY Locality ORDER BY Deliveries DESC
        """;

    /// <summary>
    /// How far back freshness first looks: a store that uploaded and sold within these days has its
    /// latest upload and sale there (the monthly partitions of a store's ten years of batches, read
    /// whole, made the call 1.9 × slower at 10 years than at 3: `./norsjo bench queries`).
    /// </summary>
    public const int RecentDays = 40;

    /// <summary>When each store's data last arrived; all stores with <paramref name="storeId"/> null.</summary>
    /// <remarks>
    /// First the last <see cref="RecentDays"/> days; a store with no upload or no sale in them is then
    /// read over its whole history, those stores only. The answer is the whole history's either way:
    /// the latest upload and the latest sale are in the window whenever any are.
    /// </remarks>
    public async Task<IReadOnlyList<Freshness>> FreshnessAsync(string? storeId, IEnumerable<string> registered, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = registered.ToList();
        var since = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-RecentDays);
        var rows = (await storage.Database.QueryAsync<FreshRow>(FreshnessSql(storeId, storeId is null ? ids : null, since), cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.StoreId, StringComparer.Ordinal);
        var older = (storeId is null ? ids : [storeId]).Where(id => !rows.TryGetValue(id, out var row) || row.LastSale.Length == 0).Distinct(StringComparer.Ordinal).ToList();
        if (older.Count > 0)
        {
            foreach (var row in await storage.Database.QueryAsync<FreshRow>(FreshnessSql(null, older), cancellationToken).ConfigureAwait(false))
            {
                rows[row.StoreId] = row;
            }
        }

        return ids.Where(id => storeId is null || id == storeId).Select(id =>
        {
            if (!rows.TryGetValue(id, out var row))
            {
                return new Freshness(id, null, null, null);
            }

            var upload = DateTimeOffset.FromUnixTimeMilliseconds((long)row.LastUploadMs);
            return new Freshness(id, row.LastSale, upload, Math.Round((now - upload).TotalMinutes, 1));
        }).ToList();
    }

    /// <remarks>
    /// One store's reads only that store's rows (both sides filtered), and the municipality's only its
    /// registered <paramref name="stores"/>' (issue 20): the cost does not grow with the stores on the hub.
    /// With <paramref name="since"/>, only the batches received and the days sold from then on.
    /// </remarks>
    public static string FreshnessSql(string? storeId, IReadOnlyCollection<string>? stores = null, DateOnly? since = null)
    {
        var filter = storeId is not null ? $"store_id = {SqlLiteral.Text(storeId)}" : stores is not null ? SqlLiteral.StoreIn(stores) : null;
        string Where(string dateColumn)
        {
            string?[] conditions = [filter, since is { } day ? $"{dateColumn} >= {SqlLiteral.Date(day)}" : null];
            var present = conditions.OfType<string>().ToList();
            return present.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", present);
        }

        return $"""
            SELECT b.store_id AS StoreId, ifNull(s.last_sale, '') AS LastSale, b.last_upload AS LastUploadMs
            FROM (SELECT store_id, max(version) AS last_upload FROM ingest_batches {Where("received_date")} GROUP BY store_id) AS b
            ANY LEFT JOIN (SELECT store_id, toString(max(sale_date)) AS last_sale FROM sales_daily {Where("sale_date")} GROUP BY store_id) AS s USING store_id
            """;
    }

    private Task<IReadOnlyList<Sum>> SumsAsync(string storeId, string grain, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        storage.Database.QueryAsync<Sum>(TrendSql(storeId, grain, from, to), cancellationToken);

    private static string StoreRange(string storeId, DateOnly from, DateOnly to) =>
        $"store_id = {SqlLiteral.Text(storeId)} AND sale_date BETWEEN {SqlLiteral.Date(from)} AND {SqlLiteral.Date(to)}";

    private static string Shift(string period, string grain)
    {
        var date = DateOnly.ParseExact(period, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return (grain == "month" ? date.AddYears(1) : date.AddDays(364)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
