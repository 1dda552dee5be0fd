using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// A day's totals (a Z-report, a day of SIE) sent again replace the day whole: every VAT rate,
/// category and payment method stored for that store, day and source and missing from the newer
/// totals is written again as zero with the newer version, so nothing of the older copy stays
/// (ReplacingMergeTree keeps the newest version of each key). Within one batch the last copy of a
/// day is the day.
/// </summary>
public sealed partial class SalesBatchWriter
{
    private sealed record StoredSales(string Day, string Source, string Category, int Rate);

    private sealed record StoredPayment(string Day, string Source, string Method);

    /// <summary>The last copy of each (day, source) in the batch, in batch order.</summary>
    internal static List<DailyTotal> NewestDailyTotals(IEnumerable<DailyTotal> totals) =>
        totals
            .Select((total, index) => (total, index))
            .GroupBy(t => (Date: BatchValidator.ToDate(t.total.Date, "daily_total.date"), t.total.Source))
            .Select(g => g.Last())
            .OrderBy(t => t.index)
            .Select(t => t.total)
            .ToList();

    /// <summary>Zero rows for what is stored of these days and not in their newer totals.</summary>
    private static async Task AddReplacedAsync(
        ClickHouseDatabase db, string storeId, List<DailyTotal> totals, TabSeparatedRows dailySales, TabSeparatedRows dailyPayments,
        long version, CancellationToken cancellationToken)
    {
        if (totals.Count == 0)
        {
            return;
        }

        var days = totals.Select(t => BatchValidator.ToDate(t.Date, "daily_total.date")).Distinct().Order().ToList();
        var where = $"store_id = {SqlLiteral.Text(storeId)} AND business_date IN ({string.Join(", ", days.Select(SqlLiteral.Date))})";
        var sales = await db.QueryAsync<StoredSales>(
            $"SELECT toString(business_date) AS Day, toString(source) AS Source, category AS Category, toInt32(vat_rate_bp) AS Rate FROM daily_sales FINAL WHERE {where}",
            cancellationToken).ConfigureAwait(false);
        var payments = await db.QueryAsync<StoredPayment>(
            $"SELECT toString(business_date) AS Day, toString(source) AS Source, toString(method) AS Method FROM daily_payments FINAL WHERE {where}",
            cancellationToken).ConfigureAwait(false);
        foreach (var total in totals)
        {
            var date = BatchValidator.ToDate(total.Date, "daily_total.date");
            var day = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var source = SourceName(total.Source);
            var keptSales = total.Sales.Select(s => (s.Category, s.VatRateBasisPoints)).ToHashSet();
            foreach (var gone in sales.Where(s => s.Day == day && s.Source == source && !keptSales.Contains((s.Category, s.Rate))))
            {
                dailySales.Row(storeId, date, source, gone.Category, gone.Rate, 0L, 0L, version);
            }

            var keptMethods = total.Payments.Select(p => PaymentName(p.Method)).ToHashSet();
            foreach (var gone in payments.Where(p => p.Day == day && p.Source == source && !keptMethods.Contains(p.Method)))
            {
                dailyPayments.Row(storeId, date, source, gone.Method, 0L, version);
            }
        }
    }
}
