namespace Norsjo.Retail.Hub.Storage.Migrations;

/// <summary>
/// The aggregates the index and the dashboards read, recomputed from the deduplicated receipts
/// (FINAL) for the store-days a batch touched. Recomputing rather than adding makes them exact
/// however often a receipt arrives; the version, taken just before the recompute reads, makes the
/// latest recompute of a day win.
///
/// A receipt sent again replaces the earlier one whole. ClickHouse 18.16 cannot delete a row cheaply,
/// so the earlier copy's lines and payments stay in receipt_lines / receipt_payments; every line
/// and payment carries the version of the receipt it came with, and only those whose version is the
/// receipt's newest (receipts FINAL) are counted — <see cref="CurrentLines"/> and
/// <see cref="CurrentPayments"/>, the one place that rule is written. An aggregate row of a
/// store-day that the newest copies no longer give (a category, an hour or a payment method that
/// was replaced) is recomputed to zero rather than left standing.
/// </summary>
public static class Aggregates
{
    /// <summary>Basket sizes in kronor: the distribution's bucket boundaries (upper bounds, exclusive).</summary>
    public static IReadOnlyList<int> BasketBucketsKr { get; } = [50, 100, 200, 300, 500, 1000];

    /// <summary>The lines of each receipt's newest copy, for the receipts matching <paramref name="where"/>.</summary>
    public static string CurrentLines(string where) => Current("receipt_lines",
        "store_id, sale_date, receipt_key, category, vat_rate_bp, returned, gross_ore, vat_ore, quantity_milli", where);

    /// <summary>The payments of each receipt's newest copy, for the receipts matching <paramref name="where"/>.</summary>
    public static string CurrentPayments(string where) => Current("receipt_payments",
        "store_id, sale_date, receipt_key, method, amount_ore", where);

    private static string Current(string table, string columns, string where) => $"""
        SELECT {columns}
        FROM {table} FINAL
        ANY INNER JOIN (SELECT store_id, sale_date, receipt_key, version FROM receipts FINAL WHERE {where}) USING (store_id, sale_date, receipt_key, version)
        WHERE {where}
        """;

    public static string SalesDaily(string where, string version) => $"""
        INSERT INTO sales_daily (store_id, sale_date, category, vat_rate_bp, gross_ore, vat_ore, returned_gross_ore, quantity_milli, version)
        SELECT store_id, sale_date, category, vat_rate_bp, sum(gross), sum(vat), sum(returned_gross), sum(quantity), {version}
        FROM (
            SELECT store_id, sale_date, category, vat_rate_bp, gross_ore AS gross, vat_ore AS vat,
                   if(returned = 1, -gross_ore, toInt64(0)) AS returned_gross, quantity_milli AS quantity
            FROM ({CurrentLines(where)})
            UNION ALL
            SELECT store_id, sale_date, category, vat_rate_bp, toInt64(0), toInt64(0), toInt64(0), toInt64(0)
            FROM sales_daily FINAL WHERE {where}
        )
        GROUP BY store_id, sale_date, category, vat_rate_bp
        """;

    public static string ReceiptsHourly(string where, string version) => $"""
        INSERT INTO receipts_hourly (store_id, sale_date, hour, channel, basket_bucket, receipts, gross_ore, version)
        SELECT store_id, sale_date, hour, channel, basket_bucket, toUInt32(sum(n)), sum(gross), {version}
        FROM (
            SELECT store_id, sale_date, toUInt8(intDiv(minute_of_day, 60)) AS hour, channel,
                   toUInt8({Bucket("gross_ore")}) AS basket_bucket, toUInt32(1) AS n, gross_ore AS gross
            FROM receipts FINAL
            WHERE {where}
            UNION ALL
            SELECT store_id, sale_date, hour, channel, basket_bucket, toUInt32(0), toInt64(0)
            FROM receipts_hourly FINAL WHERE {where}
        )
        GROUP BY store_id, sale_date, hour, channel, basket_bucket
        """;

    public static string PaymentsDaily(string where, string version) => $"""
        INSERT INTO payments_daily (store_id, sale_date, method, amount_ore, version)
        SELECT store_id, sale_date, method, sum(amount), {version}
        FROM (
            SELECT store_id, sale_date, method, amount_ore AS amount FROM ({CurrentPayments(where)})
            UNION ALL
            SELECT store_id, sale_date, method, toInt64(0) FROM payments_daily FINAL WHERE {where}
        )
        GROUP BY store_id, sale_date, method
        """;

    /// <summary>The bucket index of a basket's gross (öre), as SQL.</summary>
    public static string Bucket(string column) =>
        "multiIf(" + string.Join(", ", BasketBucketsKr.Select((kr, i) => $"{column} < {kr * 100}, {i}")) + $", {BasketBucketsKr.Count})";

    public static IEnumerable<string> ForStoreDays(string storeId, IEnumerable<DateOnly> dates, long version)
    {
        var where = $"store_id = {SqlLiteral.Text(storeId)} AND sale_date IN ({string.Join(", ", dates.Distinct().Order().Select(SqlLiteral.Date))})";
        return All(where, SqlLiteral.Number(version));
    }

    /// <summary>Every aggregate for the rows matching <paramref name="where"/>, at <paramref name="version"/> (SQL).</summary>
    public static IEnumerable<string> All(string where, string version)
    {
        yield return SalesDaily(where, version);
        yield return ReceiptsHourly(where, version);
        yield return PaymentsDaily(where, version);
    }
}
