using System.Globalization;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.SalesIndex;

/// <summary>One store's turnover in one month: as measured and at constant VAT, and on how many days it sold.</summary>
public sealed record StoreMonth(string StoreId, DateOnly Month, Turnover Measured, Turnover ConstantVat)
{
    /// <summary>Days with sales (0: unknown, e.g. in hand-made figures); compares months like for like.</summary>
    public int Days { get; init; }
}

/// <summary>
/// Reads each store's monthly turnover per index category from ClickHouse, from the months kept at
/// ingest (<see cref="TurnoverMonths"/>) for the municipality's own stores. A store-day counts
/// from its receipts where it has them, else from its Z-report, else from SIE; fuel and agent
/// services are left out. At constant VAT, food sold at the reduced 6 % (April 2026 – December
/// 2027) is counted as if at the 12 % it replaced.
/// </summary>
public sealed class MonthlyTurnover(ClickHouseStorage storage, RegistryFacts facts)
{
    public static readonly DateOnly ReducedFoodVatFrom = Time.SwedishTime.ReducedFoodVatFrom;
    public static readonly DateOnly ReducedFoodVatUntil = Time.SwedishTime.ReducedFoodVatUntil;

    /// <summary>
    /// The municipality's stores: those its registry lists today or listed at the period's end, so
    /// a store that sends data without being registered here (another municipality's) never counts.
    /// </summary>
    public IReadOnlyList<string> StoresOf(DateOnly toMonth) =>
        [.. facts.Current.Stores.Concat(facts.AsOf(toMonth.AddMonths(1).AddDays(-1)).Stores).Select(s => s.Id).Distinct(StringComparer.Ordinal)];

    public async Task<IReadOnlyList<StoreMonth>> ReadAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken) =>
        Months(await storage.Database.QueryAsync<TurnoverMonths.Row>(TurnoverMonths.Sql(fromMonth, toMonth, StoresOf(toMonth)), cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The months of <paramref name="rows"/> read for several municipalities at once (the region's
    /// call, <see cref="TurnoverMonths.Sql"/> over all their stores, by store): this municipality's
    /// stores' only, exactly as <see cref="ReadAsync"/> would give them.
    /// </summary>
    public IReadOnlyList<StoreMonth> Own(ILookup<string, TurnoverMonths.Row> rows, DateOnly toMonth)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Months(StoresOf(toMonth).SelectMany(id => rows[id]));
    }

    /// <summary>Each month by the category mapping that held at its end: a mapping changed since leaves a past month as it was.</summary>
    private List<StoreMonth> Months(IEnumerable<TurnoverMonths.Row> rows) => rows
        .GroupBy(r => (r.StoreId, r.Month))
        .Select(g =>
        {
            var month = DateOnly.ParseExact(g.Key.Month, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var categories = facts.AsOf(month.AddMonths(1).AddDays(-1)).Categories;
            var reduced = Time.SwedishTime.ReducedFoodVat(month);
            var measured = Turnover.Zero;
            var constant = Turnover.Zero;
            foreach (var row in g)
            {
                var group = categories.GroupOf(row.Category, row.VatRateBp);
                if (group == IndexGroup.Excluded)
                {
                    continue;
                }

                var grossKr = row.GrossOre / 100m;
                var constantKr = reduced && row.VatRateBp == 600 && categories.IsFood(row.Category, row.VatRateBp)
                    ? row.NetOre / 100m * 1.12m
                    : grossKr;
                measured += group == IndexGroup.Dagligvaror ? new Turnover(grossKr, 0) : new Turnover(0, grossKr);
                constant += group == IndexGroup.Dagligvaror ? new Turnover(constantKr, 0) : new Turnover(0, constantKr);
            }

            return new StoreMonth(g.Key.StoreId, month, measured, constant) { Days = g.Max(r => r.Days) };
        })
        .ToList();

    /// <summary>
    /// Today's path: the monthly turnover computed from the day tables at query time, over every
    /// store on the hub. Kept as the reference the stored months (<see cref="TurnoverMonths"/>) are
    /// checked against, and for publishing the months (Disclosure/PublishedMonths.cs).
    /// </summary>
    /// <remarks>
    /// The set of store-days with receipts is built only for stores that also sent Z-reports or SIE in
    /// the range: the only ones it can exclude anything for. Built for every store, it cost seconds at
    /// 3,000 stores (`./norsjo bench queries`) even where no store sends Z-reports.
    /// </remarks>
    public static string Sql(DateOnly fromMonth, DateOnly toMonth)
    {
        var (from, to) = Bounds(fromMonth, toMonth);
        return $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(day)) AS Month, category AS Category, vat_rate_bp AS VatRateBp,
                   sum(gross) AS GrossOre, sum(net) AS NetOre, toInt32(uniqExact(day)) AS Days
            FROM ({CountingDays(column => $"{column} BETWEEN {from} AND {to}")})
            GROUP BY StoreId, Month, Category, VatRateBp
            """;
    }

    /// <summary>The first and last day of a run of whole months, as SQL literals.</summary>
    public static (string From, string To) Bounds(DateOnly fromMonth, DateOnly toMonth) => (
        SqlLiteral.Date(new DateOnly(fromMonth.Year, fromMonth.Month, 1)),
        SqlLiteral.Date(new DateOnly(toMonth.Year, toMonth.Month, 1).AddMonths(1).AddDays(-1)));

    /// <summary>
    /// The store-days that count, as (store_id, day, category, vat_rate_bp, gross, net): receipts
    /// where a day has them, else its Z-report, else SIE. <paramref name="where"/> gives the filter
    /// for a table's date column (the only place this precedence is written).
    /// </summary>
    public static string CountingDays(Func<string, string> where)
    {
        ArgumentNullException.ThrowIfNull(where);
        return $"""
            SELECT store_id, sale_date AS day, category, vat_rate_bp, gross_ore AS gross, gross_ore - vat_ore AS net
            FROM sales_daily FINAL
            WHERE {where("sale_date")}
            UNION ALL
            SELECT store_id, business_date AS day, category, vat_rate_bp, gross_ore AS gross, gross_ore - vat_ore AS net
            FROM daily_sales FINAL
            WHERE {where("business_date")}
              AND (store_id, business_date) NOT IN (SELECT store_id, sale_date FROM sales_daily WHERE {where("sale_date")}
                                                    AND store_id IN (SELECT store_id FROM daily_sales WHERE {where("business_date")}))
              AND (source = 'z_report'
                   OR (store_id, business_date) NOT IN (SELECT store_id, business_date FROM daily_sales WHERE source = 'z_report' AND {where("business_date")}))
            """;
    }
}
