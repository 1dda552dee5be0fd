using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.SalesIndex;

/// <summary>
/// Each store's turnover per month, category and VAT rate, kept at ingest in turnover_monthly so
/// that a municipality's calls read a few rows per store-month of its own stores instead of every
/// store's days (issue 20: 3 s at 3,000 stores, growing with every store on the hub).
///
/// Kept as the day aggregates are (Storage/Migrations/Aggregates.cs): recomputed, not added, for
/// the store-months a batch touched, from <see cref="MonthlyTurnover.CountingDays"/> (the one place
/// the receipts → Z-report → SIE precedence is written), at a version taken just before the
/// recompute reads. A row the recompute no longer gives (a Z-report day replaced by receipts, a
/// category gone) is written again with no days, and the read leaves rows without days out, so the
/// months are exactly what <see cref="MonthlyTurnover.Sql"/> gives at query time. The category
/// mapping and the constant-VAT step stay in C# (<see cref="MonthlyTurnover"/>): they depend on the
/// registry as it held at each month's end, which an edit may change after the data arrived.
/// </summary>
public static class TurnoverMonths
{
    public const string Table = "turnover_monthly";

    /// <summary>A stored row, as <see cref="Sql"/> gives it.</summary>
    public sealed record Row(string StoreId, string Month, string Category, int VatRateBp, long GrossOre, long NetOre, int Days);

    public static string CreateTable => $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            store_id String,
            month Date,
            category String,
            vat_rate_bp UInt16,
            gross_ore Int64,
            net_ore Int64,
            days UInt32,
            version UInt64
        ) ENGINE = ReplacingMergeTree(version)
        PARTITION BY toYear(month)
        ORDER BY (store_id, month, category, vat_rate_bp)
        """;

    /// <summary>Recomputes the store-months whose days match <paramref name="where"/> (given a date column), at <paramref name="version"/> (SQL).</summary>
    public static string Recompute(Func<string, string> where, string version)
    {
        ArgumentNullException.ThrowIfNull(where);
        return $"""
            INSERT INTO {Table} (store_id, month, category, vat_rate_bp, gross_ore, net_ore, days, version)
            SELECT store_id, month, category, vat_rate_bp, sum(gross), sum(net), toUInt32(uniqExactIf(day, live = 1)), {version}
            FROM (
                SELECT store_id, toStartOfMonth(day) AS month, day, category, vat_rate_bp, gross, net, toUInt8(1) AS live
                FROM ({MonthlyTurnover.CountingDays(where)})
                UNION ALL
                SELECT store_id, month, month AS day, category, vat_rate_bp, toInt64(0), toInt64(0), toUInt8(0)
                FROM {Table} FINAL WHERE {where("month")}
            )
            GROUP BY store_id, month, category, vat_rate_bp
            """;
    }

    /// <summary>The statement that recomputes one store's months, for the days a batch touched.</summary>
    public static string ForStoreDays(string storeId, IEnumerable<DateOnly> days, long version)
    {
        var months = days.Select(d => new DateOnly(d.Year, d.Month, 1)).Distinct().Order().ToList();
        if (months.Count == 0)
        {
            throw new ArgumentException("No days to recompute.", nameof(days));
        }

        var (from, to) = MonthlyTurnover.Bounds(months[0], months[^1]);
        var list = string.Join(", ", months.Select(SqlLiteral.Date));
        return Recompute(
            column => $"store_id = {SqlLiteral.Text(storeId)} AND {column} BETWEEN {from} AND {to} AND toStartOfMonth({column}) IN ({list})",
            SqlLiteral.Number(version));
    }

    /// <summary>The stored months of <paramref name="storeIds"/> in a run of months, in the rows <see cref="MonthlyTurnover"/> reads.</summary>
    /// <param name="storeIds">The stores; null: every store on the hub (the region's read of every municipality's stores, which
    /// keeps each municipality's own: a list of thousands of stores cost ClickHouse more to parse than the month to read).</param>
    public static string Sql(DateOnly fromMonth, DateOnly toMonth, IReadOnlyCollection<string>? storeIds)
    {
        var (from, to) = MonthlyTurnover.Bounds(fromMonth, toMonth);
        return $"""
            SELECT store_id AS StoreId, toString(month) AS Month, category AS Category, vat_rate_bp AS VatRateBp,
                   gross_ore AS GrossOre, net_ore AS NetOre, toInt32(days) AS Days
            FROM {Table} FINAL
            WHERE {(storeIds is null ? string.Empty : SqlLiteral.StoreIn(storeIds) + " AND ")}month BETWEEN {from} AND {to} AND days > 0
            """;
    }
}
