namespace Norsjo.Retail.Hub.Storage.Migrations;

/// <summary>
/// The aggregates the index and the dashboards read, recomputed from the deduplicated receipts
/// (FINAL) for the store-days a batch touched. Recomputing rather than adding makes them exact
/// however often a receipt arrives; the version, taken just before the recompute reads, makes the
/// latest recompute of a day win.
/// </summary>
public static class Aggregates
{
    /// <summary>Basket sizes in kronor: the distribution's bucket boundaries (upper bounds, exclusive).</summary>
    public static IReadOnlyList<int> BasketBucketsKr { get; } = [50, 100, 200, 300, 500, 1000];

    public static string SalesDaily(string where, string version) => $"""
        INSERT INTO sales_daily (store_id, sale_date, category, vat_rate_bp, gross_ore, vat_ore, returned_gross_ore, quantity_milli, version)
        SELECT store_id, sale_date, category, vat_rate_bp, sum(gross_ore), sum(vat_ore), sum(if(returned = 1, -gross_ore, 0)), sum(quantity_milli), {version}
        FROM receipt_lines FINAL
        WHERE {where}
        GROUP BY store_id, sale_date, category, vat_rate_bp
        """;

    public static string ReceiptsHourly(string where, string version) => $"""
        INSERT INTO receipts_hourly (store_id, sale_date, hour, channel, basket_bucket, receipts, gross_ore, version)
        SELECT store_id, sale_date, toUInt8(intDiv(minute_of_day, 60)) AS hour, channel,
               toUInt8({Bucket("gross_ore")}) AS basket_bucket, toUInt32(count()), sum(gross_ore), {version}
        FROM receipts FINAL
        WHERE {where}
        GROUP BY store_id, sale_date, hour, channel, basket_bucket
        """;

    public static string PaymentsDaily(string where, string version) => $"""
        INSERT INTO payments_daily (store_id, sale_date, method, amount_ore, version)
        SELECT store_id, sale_date, method, sum(amount_ore), {version}
        FROM receipt_payments FINAL
        WHERE {where}
        GROUP BY store_id, sale_date, method
        """;

    /// <summary>The bucket index of a basket's gross (öre), as SQL.</summary>
    public static string Bucket(string column) =>
        "multiIf(" + string.Join(", ", BasketBucketsKr.Select((kr, i) => $"{column} < {kr * 100}, {i}")) + $", {BasketBucketsKr.Count})";

    public static IEnumerable<string> ForStoreDays(string storeId, IEnumerable<DateOnly> dates, long version)
    {
        var where = $"store_id = {SqlLiteral.Text(storeId)} AND sale_date IN ({string.Join(", ", dates.Distinct().Order().Select(SqlLiteral.Date))})";
        var v = SqlLiteral.Number(version);
        yield return SalesDaily(where, v);
        yield return ReceiptsHourly(where, v);
        yield return PaymentsDaily(where, v);
    }
}
