using System.Globalization;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>
/// The one place that decides every figure the municipality sees (API, pages, CSV, Grafana's
/// table). The design, and why it is sound:
/// - Whole calendar months only, and only months that have ended (and settled for
///   <see cref="DisclosureOptions.SettleDays"/> days): no day ranges, so no two published figures
///   differ by a day, and a month does not grow while it is watched.
/// - Cells: one group of stores (<see cref="DisclosurePlan"/>, fixed by the registry) × one month ×
///   one measure. Each cell must pass <see cref="DisclosureRule"/> on its own; a figure over
///   several months or groups is shown only if every cell in it passes. Everything published is
///   then a sum of passing cells plus public parts (consenting stores, registry estimates), so no
///   subtraction of published figures gets below one passing cell.
/// - Dagligvaror and sällanköp are shown together or not at all (else total minus one gives the other).
/// </summary>
public sealed class MunicipalFigures(
    MonthlyTurnover turnover, SalesIndexService index, StoreRegistry registry, IStoreConsents consents,
    IOptions<DisclosureOptions> options, TimeProvider time, ClickHouseStorage storage, ForecastRun forecasts, IndexOutlook outlooks)
{
    private readonly SalesIndexCalculator _calculator = new(registry);

    public DisclosureOptions Options => options.Value;

    /// <summary>The latest month that may be published: ended, and settled for SettleDays days.</summary>
    public DateOnly LastSettledMonth
    {
        get
        {
            var settledDay = Api.ApiRequest.Today(time).AddDays(-Options.SettleDays);
            return new DateOnly(settledDay.Year, settledDay.Month, 1).AddMonths(-1);
        }
    }

    public async Task<DisclosurePlan> PlanAsync(CancellationToken cancellationToken) =>
        DisclosurePlan.Build(registry, await consents.LatestAsync(cancellationToken).ConfigureAwait(false), Options);

    /// <summary>A calendar year: the months that have settled so far, annualised while the year runs.</summary>
    public async Task<PublishedIndexPeriod> YearAsync(int year, CancellationToken cancellationToken)
    {
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 1);
        to = to > LastSettledMonth && LastSettledMonth >= from ? LastSettledMonth : to;
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var data = await turnover.ReadAsync(index.Earliest(from), to, cancellationToken).ConfigureAwait(false);
        return Publish(_calculator.Compute(data, from, to, year.ToString(CultureInfo.InvariantCulture), annualise: true), data, plan);
    }

    /// <summary>The rolling 12 months ending in each month from <paramref name="firstEnd"/> to <paramref name="lastEnd"/>.</summary>
    public async Task<IReadOnlyList<PublishedIndexPeriod>> RollingAsync(DateOnly firstEnd, DateOnly lastEnd, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var data = await turnover.ReadAsync(index.Earliest(firstEnd.AddMonths(-11)), lastEnd, cancellationToken).ConfigureAwait(false);
        return SalesIndexCalculator.MonthsBetween(firstEnd, lastEnd)
            .Select(end => Publish(_calculator.Compute(data, end.AddMonths(-11), end, $"{end.AddMonths(-11):yyyy-MM}–{end:yyyy-MM}", annualise: false), data, plan))
            .ToList();
    }

    private PublishedIndexPeriod Publish(IndexPeriod p, IReadOnlyList<StoreMonth> data, DisclosurePlan plan)
    {
        var fromMonth = new DateOnly(p.From.Year, p.From.Month, 1);
        var toMonth = new DateOnly(p.To.Year, p.To.Month, 1);
        var shared = plan.Shared.Keys.Where(id => data.Any(d => d.StoreId == id && d.Month >= fromMonth && d.Month <= toMonth)).Order(StringComparer.Ordinal).ToList();
        var total = Cells(data, fromMonth, toMonth, plan, m => m.Measured.TotalKr);
        if (!total.Shown)
        {
            return new PublishedIndexPeriod(p.Label, p.From, p.To, p.Months, p.Complete, p.FiguresYear, p.Population, false, null, null, null, null,
                p.Estimated, null, p.EstimatedStores, p.StoresWithoutData, shared, null, null, "Visas inte: " + total.Reason);
        }

        var categories = Cells(data, fromMonth, toMonth, plan, m => m.Measured.DagligvarorKr) is { Shown: false } d ? d
            : Cells(data, fromMonth, toMonth, plan, m => m.Measured.SallankopKr);
        var split = categories.Shown;
        PublishedIndex Index(IndexValue v) => new(split ? v.Dagligvaror : null, split ? v.Sallankop : null, v.Total);

        // Growth is a ratio over the stores comparable a year back: shown only if they are enough to hide one.
        var comparable = SalesIndexCalculator.ComparableStores(data, fromMonth, toMonth, 1).Count(s => plan.GroupOf(s) is not null);
        var growth = comparable >= Options.MinimumStores ? p.Growth : null;
        return new PublishedIndexPeriod(p.Label, p.From, p.To, p.Months, p.Complete, p.FiguresYear, p.Population, true,
            Index(p.Index), Index(p.Low), Index(p.High),
            new PublishedTurnover(split ? p.Reported.DagligvarorKr : null, split ? p.Reported.SallankopKr : null, p.Reported.TotalKr),
            p.Estimated, p.Coverage, p.EstimatedStores, p.StoresWithoutData, shared, p.Gap, growth,
            split ? null : "Dagligvaror och sällanköp visas inte: " + categories.Reason);
    }

    /// <summary>Each group of stores, each consenting store and each estimate for the months, with the groups that may not be shown held back.</summary>
    public async Task<PublishedVillageReport> VillagesAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var data = await turnover.ReadAsync(index.Earliest(fromMonth), toMonth, cancellationToken).ConfigureAwait(false);
        var months = SalesIndexCalculator.MonthsBetween(fromMonth, toMonth).Count;
        var inPeriod = data.Where(d => d.Month >= fromMonth && d.Month <= toMonth).ToList();
        decimal Kr(IEnumerable<string> stores) => inPeriod.Where(d => stores.Contains(d.StoreId)).Sum(d => d.Measured.TotalKr);
        var rows = new List<PublishedVillage>();
        foreach (var group in plan.Groups.Where(g => g.StoreIds.Count > 0))
        {
            var verdict = Cells(data, fromMonth, toMonth, plan, m => m.Measured.TotalKr, group);
            var kr = Kr(group.StoreIds);
            var merged = group.Villages.Count > 1 ? $"Sammanslagna: {string.Join(", ", group.Villages)}" : null;
            rows.Add(verdict.Shown
                ? new PublishedVillage(group.Label, "group", null, group.StoreIds.Count, Math.Round(kr), _calculator.VillagePoints(kr, months, toMonth), false, merged)
                : new PublishedVillage(group.Label, "group", null, group.StoreIds.Count, null, null, true, $"Visas inte: {verdict.Reason}.{(merged is null ? string.Empty : " " + merged)}"));
        }

        var settled = toMonth <= LastSettledMonth;
        foreach (var (id, consent) in plan.Shared.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var store = registry.Find(id)!;
            var kr = Kr([id]);
            rows.Add(settled
                ? new PublishedVillage(store.Village, "shared", id, 1, Math.Round(kr), _calculator.VillagePoints(kr, months, toMonth), false, $"{store.Name}: {ClickHouseStoreConsents.Describe(consent)}")
                : new PublishedVillage(store.Village, "shared", id, 1, null, null, true, $"{store.Name}: Visas inte: {Unsettled(toMonth)}."));
        }

        foreach (var (id, kr) in _calculator.Estimates(data, fromMonth, toMonth, months).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var store = registry.Find(id)!;
            rows.Add(new PublishedVillage(store.Village, "estimate", id, 1, Math.Round(kr), _calculator.VillagePoints(kr, months, toMonth), false,
                $"{store.Name}: uppskattad från registrets basomsättning (ingen agent eller inga uppgifter)"));
        }

        var o = Options;
        return new PublishedVillageReport($"{fromMonth:yyyy-MM}–{toMonth:yyyy-MM}", fromMonth, toMonth.AddMonths(1).AddDays(-1), rows,
            $"En siffra visas bara för hela, avslutade månader och om den i varje månad bygger på minst {o.MinimumStores} butiker utan att en butik står för mer än {Percent(o.DominanceShare * 100)} % av den. " +
            $"Butiker visas var för sig bara med ägarens samtycke; butiker utan agent visas med sin uppskattning och räknas inte som bidragande. Mindre orter slås ihop; räcker inte det visas de inte.");
    }

    /// <summary>All stores' turnover per month (the index's turnover), with the number of stores, and whether the month may be shown.</summary>
    public async Task<IReadOnlyList<(string Month, decimal Kr, int Stores, bool Shown)>> MonthlySalesAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var data = await turnover.ReadAsync(fromMonth, toMonth, cancellationToken).ConfigureAwait(false);
        return data.GroupBy(d => d.Month).OrderBy(g => g.Key)
            .Select(g => (g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g.Sum(d => d.Measured.TotalKr), g.Count(), Cells(data, g.Key, g.Key, plan, m => m.Measured.TotalKr).Shown))
            .ToList();
    }

    private sealed record HourRow(string StoreId, string Month, int Hour, long Receipts);

    /// <summary>Receipts per hour of the day, per month: each month-hour a cell of its own under the rule.</summary>
    public async Task<IReadOnlyList<(string Month, string Hour, long Receipts, bool Shown)>> ReceiptsByHourAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var rows = await storage.Database.QueryAsync<HourRow>(
            $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(sale_date)) AS Month, toInt32(hour) AS Hour, sum(receipts) AS Receipts
            FROM receipts_hourly FINAL
            WHERE sale_date BETWEEN {SqlLiteral.Date(fromMonth)} AND {SqlLiteral.Date(toMonth.AddMonths(1).AddDays(-1))}
            GROUP BY StoreId, Month, Hour
            """, cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(r => (r.Month, r.Hour)).OrderBy(g => g.Key)
            .Select(g =>
            {
                var month = DateOnly.ParseExact(g.Key.Month, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var shown = month <= LastSettledMonth && plan.Groups.All(group =>
                    DisclosureRule.Check(g.Where(r => group.StoreIds.Contains(r.StoreId)).Select(r => (decimal)r.Receipts), Options).Shown);
                return (g.Key.Month, $"{g.Key.Hour:00}:00", g.Sum(r => r.Receipts), shown);
            })
            .ToList();
    }

    private sealed record CashRow(string StoreId, string Month, long CashOre, long TotalOre);

    /// <summary>The cash share of all stores per month; a month is held back unless its stores without consent pass the rule on cash and on all payments.</summary>
    public async Task<IReadOnlyList<PublishedCashMonth>> CashShareAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var rows = await storage.Database.QueryAsync<CashRow>(
            $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(sale_date)) AS Month, sum(if(method = 'cash', amount_ore, 0)) AS CashOre, sum(amount_ore) AS TotalOre
            FROM payments_daily FINAL
            WHERE sale_date BETWEEN {SqlLiteral.Date(fromMonth)} AND {SqlLiteral.Date(toMonth.AddMonths(1).AddDays(-1))}
            GROUP BY StoreId, Month ORDER BY Month
            """, cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(r => r.Month).Select(g =>
        {
            var month = DateOnly.ParseExact(g.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var own = g.Where(r => plan.GroupOf(r.StoreId) is not null).ToList();
            var verdict = month > LastSettledMonth ? Verdict.Hold(Unsettled(month))
                : DisclosureRule.Check(own.Select(r => (decimal)r.CashOre), Options) is { Shown: false } cash ? cash
                : DisclosureRule.Check(own.Select(r => (decimal)r.TotalOre), Options);
            var total = g.Sum(r => r.TotalOre);
            return verdict.Shown
                ? new PublishedCashMonth(g.Key, g.Count(), total == 0 ? 0 : Math.Round((decimal)g.Sum(r => r.CashOre) / total, 4), false, null)
                : new PublishedCashMonth(g.Key, g.Count(), null, true, "Visas inte: " + verdict.Reason);
        }).ToList();
    }

    private sealed record DeliveryRow(string StoreId, string Locality, long Deliveries, long Households, long OrderOre, double DistanceM);

    /// <summary>
    /// Home deliveries per locality for one whole month. A locality that fails the rule (on the
    /// number of deliveries or on their order value) joins "Övriga orter"; while that fails, the
    /// smallest shown locality joins it too, so the hidden ones cannot be had as a remainder.
    /// </summary>
    public async Task<PublishedDeliveries> DeliveriesAsync(DateOnly month, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var rows = await storage.Database.QueryAsync<DeliveryRow>(
            $"""
            SELECT store_id AS StoreId, locality AS Locality, count() AS Deliveries, uniqExact(household_key) AS Households, sum(order_value_ore) AS OrderOre, sum(distance_m) AS DistanceM
            FROM home_deliveries FINAL
            WHERE delivery_date BETWEEN {SqlLiteral.Date(month)} AND {SqlLiteral.Date(month.AddMonths(1).AddDays(-1))}
            GROUP BY StoreId, Locality
            """, cancellationToken).ConfigureAwait(false);
        var note = $"Hemsändningar visas per hel, avslutad månad och ort. En ort som färre än {Options.MinimumStores} butiker levererar till, eller där en butik står för nästan allt, räknas in i \"Övriga orter\".";
        if (month > LastSettledMonth)
        {
            return new PublishedDeliveries(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), [], $"Visas inte: {Unsettled(month)}. {note}");
        }

        Verdict Check(IReadOnlyCollection<DeliveryRow> cell)
        {
            var own = cell.Where(r => plan.GroupOf(r.StoreId) is not null).GroupBy(r => r.StoreId).ToList();
            return DisclosureRule.Check(own.Select(s => (decimal)s.Sum(r => r.Deliveries)), Options) is { Shown: false } count ? count
                : DisclosureRule.Check(own.Select(s => (decimal)s.Sum(r => r.OrderOre)), Options);
        }

        var localities = rows.GroupBy(r => r.Locality).Select(g => (Locality: g.Key, Rows: g.ToList())).ToList();
        var shown = localities.Where(l => Check(l.Rows).Shown).ToList();
        var merged = localities.Except(shown).ToList();
        while (merged.Count > 0 && !Check([.. merged.SelectMany(m => m.Rows)]).Shown && shown.Count > 0)
        {
            var smallest = shown.MinBy(l => l.Rows.Sum(r => r.Deliveries));
            shown.Remove(smallest);
            merged.Add(smallest);
        }

        static DeliveryFigure Figure(string locality, IReadOnlyCollection<DeliveryRow> cell)
        {
            var count = cell.Sum(r => r.Deliveries);
            return new DeliveryFigure(locality, count, cell.Sum(r => r.Households), cell.Sum(r => r.OrderOre) / 100m,
                count == 0 ? 0 : Math.Round((decimal)(cell.Sum(r => r.DistanceM) / count) / 1000m, 1), cell.Select(r => r.StoreId).Distinct().Count(), false);
        }

        var result = shown.OrderByDescending(l => l.Rows.Sum(r => r.Deliveries)).Select(l => Figure(l.Locality, l.Rows)).ToList();
        if (merged.Count > 0)
        {
            var all = merged.SelectMany(m => m.Rows).ToList();
            result.Add(Check(all).Shown
                ? Figure(DisclosurePlan.MergedLabel, all)
                : new DeliveryFigure(DisclosurePlan.MergedLabel, 0, 0, 0, 0, all.Select(r => r.StoreId).Distinct().Count(), true));
        }

        var names = string.Join(", ", merged.Select(m => m.Locality).Order(StringComparer.Ordinal));
        return new PublishedDeliveries(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), result, merged.Count > 0 ? $"{note} Övriga orter: {names}." : note);
    }

    /// <summary>
    /// The municipality's forecast, as weekly sums. Held back where the last settled month is, and
    /// where the seasonal naive baseline is what would be shown: that is last week's actual sales.
    /// </summary>
    public async Task<ForecastRun.ForecastView> ForecastAsync(CancellationToken cancellationToken)
    {
        var view = await forecasts.LatestAsync("municipality", cancellationToken).ConfigureAwait(false);
        if (view.Points.Count == 0)
        {
            return view;
        }

        var held = await LatestMonthHeldAsync(cancellationToken).ConfigureAwait(false);
        if (held is not null || view.Method == DailyForecaster.BaselineName)
        {
            return view with
            {
                Points = [],
                Note = "Visas inte: " + (held ?? "prognosen vore förra veckans faktiska försäljning dag för dag (modellen slog inte den enkla gissningen)."),
            };
        }

        var weeks = view.Points.GroupBy(p => p.Date.AddDays(-(((int)p.Date.DayOfWeek + 6) % 7)))
            .Select((g, i) => new ForecastPoint(g.Key, i + 1, Thousands(g.Sum(p => p.Point)), Thousands(g.Sum(p => p.Lower)), Thousands(g.Sum(p => p.Upper))))
            .ToList();
        return view with { Points = weeks, Note = view.Note + " Kommunen ser prognosen per vecka (måndag), avrundad till tusental kronor." };
    }

    /// <summary>The weekly outlook as index points only: no kronor, which would change week by week with what was sold.</summary>
    public async Task<PublishedOutlook?> OutlookAsync(int year, CancellationToken cancellationToken)
    {
        var latest = await outlooks.LatestAsync(year, cancellationToken).ConfigureAwait(false);
        if (latest is null || await LatestMonthHeldAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        return new PublishedOutlook(latest.Year, latest.AsOf, latest.Expected, latest.Low, latest.High, latest.ProbabilityOf60, latest.Method);
    }

    /// <summary>Why the last settled month's total may not be shown, or null if it may.</summary>
    private async Task<string?> LatestMonthHeldAsync(CancellationToken cancellationToken)
    {
        var month = LastSettledMonth;
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        var data = await turnover.ReadAsync(month, month, cancellationToken).ConfigureAwait(false);
        var verdict = Cells(data, month, month, plan, m => m.Measured.TotalKr);
        return verdict.Shown ? null : verdict.Reason;
    }

    /// <summary>Every cell (group × month) of a figure must pass; the first that does not says why.</summary>
    private Verdict Cells(IReadOnlyList<StoreMonth> data, DateOnly fromMonth, DateOnly toMonth, DisclosurePlan plan, Func<StoreMonth, decimal> measure, ProtectedGroup? only = null)
    {
        var byMonth = data.Where(d => d.Month >= fromMonth && d.Month <= toMonth).ToLookup(d => d.Month);
        foreach (var month in SalesIndexCalculator.MonthsBetween(fromMonth, toMonth))
        {
            if (month > LastSettledMonth)
            {
                return Verdict.Hold(Unsettled(month));
            }

            foreach (var group in only is null ? plan.Groups : [only])
            {
                var verdict = DisclosureRule.Check(byMonth[month].Where(d => group.StoreIds.Contains(d.StoreId)).Select(measure), Options);
                if (!verdict.Shown)
                {
                    return Verdict.Hold($"{group.Label} {month:yyyy-MM}: {verdict.Reason}");
                }
            }
        }

        return Verdict.Show;
    }

    private string Unsettled(DateOnly month) =>
        $"{month:yyyy-MM} är inte avslutad (en månad visas från den {Options.SettleDays + 1}:e månaden efter)";

    private static double Thousands(double kr) => Math.Round(kr / 1000) * 1000;

    private static string Percent(decimal value) => value.ToString("0.#", CultureInfo.GetCultureInfo("sv-SE"));
}
