using System.Globalization;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Generated sales for N stores over a date range, made inside ClickHouse (INSERT … SELECT FROM
/// numbers()) so that 3,000 stores × 10 years (about 600 million rows) load in minutes, not hours.
/// It fills the day and hour aggregates — the tables every dashboard query and the forecast read —
/// and the batches and home deliveries, with the shape a village shop's data has: store sizes
/// 0.5–2.5×, a summer-high season, busy Fridays and Saturdays, a quiet Sunday, a day's noise of
/// ±15 %, five categories (food at 6 % VAT from April 2026), an afternoon peak over opening hours
/// 08–20, four basket sizes, four payment methods with a cash share that differs by store, and a
/// home delivery on about a third of days. Every figure is a hash of (store, day), so a run is
/// repeatable and no data crosses the wire.
/// </summary>
public static class BenchData
{
    public static readonly string[] Villages = ["Norsjö", "Bastuträsk", "Kusfors", "Norsjövallen", "Pauliström"];

    /// <summary>Stores in one statement: bounds a statement to about 50 million rows (~15 s here).</summary>
    private const int StoresPerStatement = 300;

    /// <summary>The id of the i-th generated store (1-based): bench-s0001 … bench-s9999, as the SQL writes it.</summary>
    public static string StoreId(int i) => "bench-s" + i.ToString("0000", CultureInfo.InvariantCulture);

    public static (string Id, string Village)[] Stores(int count) =>
        [.. Enumerable.Range(1, count).Select(i => (StoreId(i), Villages[i % 7 % Villages.Length]))];

    /// <summary>Fills stores 1..<paramref name="stores"/> from <paramref name="start"/> to <paramref name="end"/>; returns the rows written.</summary>
    public static async Task<long> FillAsync(ClickHouseDatabase database, int stores, DateOnly start, DateOnly end)
    {
        if (stores > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(stores), "store ids have four digits");
        }

        var days = end.DayNumber - start.DayNumber + 1;
        // About three years of 300 stores a statement: ten years of 300 stores (52 million hourly rows) outran the client's 120 s on a busy machine.
        var perStatement = Math.Clamp(StoresPerStatement * 1100 / days, 1, StoresPerStatement);
        for (var first = 1; first <= stores; first += perStatement)
        {
            var count = Math.Min(perStatement, stores - first + 1);
            foreach (var sql in Statements(first, count, start, days))
            {
                await database.ExecuteAsync(sql).ConfigureAwait(false);
            }
        }

        // Merged, as a running hub's tables are most of the time. On 18.16 OPTIMIZE … FINAL without a
        // partition merges only one, so each year is merged on its own. The months the index reads
        // are then made from the merged days as ingest makes them (TurnoverMonths), a chunk of stores at a time.
        long rows = 0;
        foreach (var table in new[] { "sales_daily", "receipts_hourly", "payments_daily", "home_deliveries", "ingest_batches" })
        {
            rows += await MergeAsync(database, table).ConfigureAwait(false);
        }

        for (var first = 1; first <= stores; first += StoresPerStatement)
        {
            var (low, high) = (SqlLiteral.Text(StoreId(first)), SqlLiteral.Text(StoreId(Math.Min(stores, first + StoresPerStatement - 1))));
            await database.ExecuteAsync(TurnoverMonths.Recompute(_ => $"store_id BETWEEN {low} AND {high}", "toUInt64(1)")).ConfigureAwait(false);
        }

        return rows + await MergeAsync(database, TurnoverMonths.Table).ConfigureAwait(false);
    }

    private static async Task<long> MergeAsync(ClickHouseDatabase database, string table)
    {
        var partitions = await database.QueryAsync<PartitionRow>(
            $"SELECT DISTINCT partition AS Partition FROM system.parts WHERE database = {SqlLiteral.Text(database.Name)} AND table = {SqlLiteral.Text(table)} AND active").ConfigureAwait(false);
        foreach (var p in partitions)
        {
            await database.ExecuteAsync($"OPTIMIZE TABLE {table} PARTITION {p.Partition} FINAL").ConfigureAwait(false);
        }

        return (long)(await database.QueryAsync<CountRow>($"SELECT count() AS Rows FROM {table}").ConfigureAwait(false))[0].Rows;
    }

    private sealed record PartitionRow(string Partition);

    private sealed record CountRow(ulong Rows);

    private static IEnumerable<string> Statements(int firstStore, int stores, DateOnly start, int days)
    {
        string N(long value) => value.ToString(CultureInfo.InvariantCulture);

        // A store-day from a row number r of numbers(stores × days × perDay); the day's figures are hashes of (store, day).
        string Day(int perDay) => $"""
            SELECT number AS r, {N(firstStore)} + intDiv(number, {N((long)days * perDay)}) AS s, intDiv(number, {N(perDay)}) % {N(days)} AS d, number % {N(perDay)} AS k,
                   concat('bench-s', substring(toString(10000 + s), 2)) AS store, {SqlLiteral.Date(start)} + d AS day,
                   (0.5 + (intHash32(s) % 1000) / 500.0)
                   * (1 + 0.3 * sin((toRelativeDayNum(day) - toRelativeDayNum(toStartOfYear(day)) - 80) / 365.0 * 2 * pi()))
                   * multiIf(toDayOfWeek(day) IN (5, 6), 1.3, toDayOfWeek(day) = 7, 0.8, 1.0)
                   * (0.85 + (intHash32(s * 100000 + d) % 300) / 1000.0) AS shape,
                   120 * shape AS receipts_day,
                   toInt64(receipts_day * (15000 + intHash32(s * 100000 + d + 7) % 10000)) AS gross_day
            FROM numbers({N((long)stores * days * perDay)})
            """;

        yield return $"""
            INSERT INTO sales_daily (store_id, sale_date, category, vat_rate_bp, gross_ore, vat_ore, returned_gross_ore, quantity_milli, version)
            SELECT store, day, ['dagligvaror', 'tobak', 'tidningar', 'blommor', 'jarnhandel'][k + 1] AS category,
                   toUInt16(if(k = 0 AND day >= toDate('2026-04-01'), 600, [1200, 2500, 600, 1200, 2500][k + 1])) AS rate,
                   toInt64(gross_day * [60, 12, 5, 5, 18][k + 1] / 100) AS gross, toInt64(gross * rate / (10000 + rate)),
                   toInt64(gross / 200), toInt64(gross / 5), toUInt64(1)
            FROM ({Day(5)})
            """;

        // Opening hours 08–20, an afternoon peak; baskets 50–100, 100–200, 200–300 and 300–500 kr (buckets 1–4).
        yield return $"""
            INSERT INTO receipts_hourly (store_id, sale_date, hour, channel, basket_bucket, receipts, gross_ore, version)
            SELECT store, day, toUInt8(8 + intDiv(k, 4)), 'in_store', toUInt8(k % 4 + 1) AS bucket,
                   toUInt32(receipts_day * [5, 7, 8, 9, 8, 7, 8, 10, 12, 11, 8, 7][intDiv(k, 4) + 1] / 100 * [35, 30, 20, 15][bucket] / 100 + intHash32(r) % 3) AS n,
                   toInt64(n * [7500, 15000, 25000, 40000][bucket]), toUInt64(1)
            FROM ({Day(48)})
            """;

        yield return $"""
            INSERT INTO payments_daily (store_id, sale_date, method, amount_ore, version)
            SELECT store, day, ['card', 'swish', 'cash', 'invoice'][k + 1],
                   toInt64(gross_day * [55 - s % 10, 30, 12 + s % 10, 3][k + 1] / 100), toUInt64(1)
            FROM ({Day(4)})
            """;

        yield return $"""
            INSERT INTO home_deliveries (store_id, delivery_date, delivery_key, household_key, locality, distance_m, order_value_ore, version)
            SELECT store, day, concat(store, '-', toString(toYYYYMMDD(day))), concat('hh-', toString(intHash32(r + 1) % 40)),
                   ['{string.Join("', '", Villages)}'][intHash32(r + 2) % {Villages.Length} + 1],
                   toUInt32(2000 + intHash32(r + 3) % 28000), toInt64(20000 + intHash32(r + 4) % 130000), toUInt64(1)
            FROM ({Day(1)})
            WHERE intHash32(r) % 3 = 0
            """;

        yield return $"""
            INSERT INTO ingest_batches (store_id, batch_id, received_date, receipts, daily_totals, home_deliveries, agent_version, version)
            SELECT store, concat(store, '-', toString(toYYYYMMDD(day))), day, toUInt32(receipts_day), toUInt32(0), toUInt32(0), 'bench',
                   toUInt64(toUnixTimestamp(toDateTime(day)) + 21 * 3600) * 1000
            FROM ({Day(1)})
            """;
    }
}
