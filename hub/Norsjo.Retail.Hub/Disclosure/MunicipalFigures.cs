using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
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
/// - Every settled month is read from its published copy (<see cref="PublishedMonths"/>): its
///   inputs, groups and consents as they were when it was first published, so a late upload or
///   a registry or consent change cannot be had as old publication minus new. Each month is
///   judged with its own groups; a consenting store is shown in the months published while its
///   consent held, and not at all once it is revoked.
/// </summary>
public sealed partial class MunicipalFigures(
    SalesIndexService index, RegistryFacts facts, IStoreConsents consents, PublishedMonths published,
    IOptions<DisclosureOptions> options, TimeProvider time, ForecastRun forecasts, IndexOutlook outlooks, Tenancy.Municipality municipality)
{
    /// <summary>The calculator with the registry as it held on the period's last day (a past period keeps its past facts).</summary>
    private SalesIndexCalculator CalculatorFor(DateOnly toMonth) => new(facts.AsOf(toMonth.AddMonths(1).AddDays(-1)));

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

    /// <summary>The groups and consents as they stand now (months not yet published are made with it).</summary>
    public async Task<DisclosurePlan> PlanAsync(CancellationToken cancellationToken) =>
        DisclosurePlan.Build(facts.Current, await consents.LatestAsync(cancellationToken).ConfigureAwait(false), Options);

    /// <summary>The months a figure is made of, each as published (or as it stands, if not published), and the consents now.</summary>
    private sealed class Months(IReadOnlyDictionary<DateOnly, PublishedMonth> months, IReadOnlyDictionary<string, ConsentEvent> consents)
    {
        public IReadOnlyList<StoreMonth> Turnover { get; } = [.. months.Values.SelectMany(m => m.Turnover)];

        public PublishedMonth this[DateOnly month] => months[month];

        public DisclosurePlan PlanOf(DateOnly month) => months[month].Plan();

        /// <summary>Whether the store's owner still consents (a revoked consent hides the store's own rows at once, in every month).</summary>
        public bool StillShares(string storeId) => consents.GetValueOrDefault(storeId) is { Given: true };
    }

    /// <param name="parts">What the figure reads of the months not published (see <see cref="MonthParts"/>).</param>
    /// <param name="region">The region's reads for every municipality at once, in the region's call.</param>
    private async Task<Months> ReadAsync(DateOnly fromMonth, DateOnly toMonth, MonthParts parts, CancellationToken cancellationToken, RegionalRead? region = null)
    {
        var latest = region?.Consents ?? await consents.LatestAsync(cancellationToken).ConfigureAwait(false);
        var plan = DisclosurePlan.Build(facts.Current, latest, Options);
        return new Months(await published.GetAsync(fromMonth, toMonth, LastSettledMonth, plan, cancellationToken, parts, region).ConfigureAwait(false), latest);
    }

    /// <summary>A calendar year: the months that have settled so far, annualised while the year runs.</summary>
    public async Task<PublishedIndexPeriod> YearAsync(int year, CancellationToken cancellationToken)
    {
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 1);
        to = to > LastSettledMonth && LastSettledMonth >= from ? LastSettledMonth : to;
        var months = await ReadAsync(index.Earliest(from), to, MonthParts.Turnover, cancellationToken).ConfigureAwait(false);
        return Publish(CalculatorFor(to).Compute(months.Turnover, from, to, year.ToString(CultureInfo.InvariantCulture), annualise: true), months);
    }

    /// <summary>The rolling 12 months ending in each month from <paramref name="firstEnd"/> to <paramref name="lastEnd"/>.</summary>
    /// <param name="region">The region's reads for every municipality at once, in the region's call (the same answer as without).</param>
    public Task<IReadOnlyList<PublishedIndexPeriod>> RollingAsync(DateOnly firstEnd, DateOnly lastEnd, CancellationToken cancellationToken) => RollingAsync(firstEnd, lastEnd, null, cancellationToken);

    /// <inheritdoc cref="RollingAsync(DateOnly, DateOnly, CancellationToken)"/>
    public async Task<IReadOnlyList<PublishedIndexPeriod>> RollingAsync(DateOnly firstEnd, DateOnly lastEnd, RegionalRead? region, CancellationToken cancellationToken)
    {
        var start = RollingFrom(firstEnd);
        var months = await ReadAsync(start, lastEnd, MonthParts.Turnover, cancellationToken, region).ConfigureAwait(false);
        return SalesIndexCalculator.MonthsBetween(firstEnd, lastEnd).Select(end =>
        {
            var key = PeriodKey(months, start, end);
            var (at, now) = (facts.AsOf(end.AddMonths(1).AddDays(-1)), facts.Current);
            if (_periods.TryGetValue(end, out var kept) && kept.Key == key && ReferenceEquals(kept.At, at) && ReferenceEquals(kept.Now, now))
            {
                return kept.Period;
            }

            var period = Publish(new SalesIndexCalculator(at).Compute(months.Turnover, end.AddMonths(-11), end, $"{end.AddMonths(-11):yyyy-MM}–{end:yyyy-MM}", annualise: false), months);
            _periods[end] = (key, at, now, period);
            return period;
        }).ToList();
    }

    /// <summary>
    /// Each rolling period as last made, with what it was made from (the region's call makes 290
    /// municipalities × 12 periods, about a millisecond each). A period is a pure function of the
    /// months it reads (<see cref="PeriodKey"/>), the registry at its end and today (the baselines),
    /// so it is made again whenever any of them is not the same object or text as then.
    /// </summary>
    private readonly ConcurrentDictionary<DateOnly, (string Key, StoreRegistry At, StoreRegistry Now, PublishedIndexPeriod Period)> _periods = new();

    /// <summary>
    /// What a rolling period ending in <paramref name="end"/> is made from, as text: the last settled
    /// month, and each month read up to its end — a published one by its version (a version never
    /// changes), one not published by its whole content — with whether each store sharing its
    /// figures in it still consents.
    /// </summary>
    private string PeriodKey(Months months, DateOnly start, DateOnly end)
    {
        var key = new StringBuilder(LastSettledMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        foreach (var month in SalesIndexCalculator.MonthsBetween(start, end))
        {
            var published = months[month];
            key.Append(CultureInfo.InvariantCulture, $"|{month:yyyy-MM}:{published.Version}");
            if (published.Version == 0)
            {
                key.Append(':').Append(JsonSerializer.Serialize(published));
            }

            foreach (var id in published.Plan().Shared.Keys.Order(StringComparer.Ordinal))
            {
                key.Append(',').Append(id).Append(months.StillShares(id) ? '+' : '-');
            }
        }

        return key.ToString();
    }

    /// <summary>The first month the rolling index from <paramref name="firstEnd"/> reads.</summary>
    public DateOnly RollingFrom(DateOnly firstEnd) => index.Earliest(firstEnd.AddMonths(-11));

    private PublishedIndexPeriod Publish(IndexPeriod p, Months months)
    {
        var data = months.Turnover;
        var fromMonth = new DateOnly(p.From.Year, p.From.Month, 1);
        var toMonth = new DateOnly(p.To.Year, p.To.Month, 1);
        var period = SalesIndexCalculator.MonthsBetween(fromMonth, toMonth);
        var shared = period.SelectMany(m => months.PlanOf(m).Shared.Keys.Where(id => data.Any(d => d.StoreId == id && d.Month == m)))
            .Distinct().Where(months.StillShares).Order(StringComparer.Ordinal).ToList();
        var total = Cells(months, fromMonth, toMonth, m => m.Measured.TotalKr);
        if (!total.Shown)
        {
            return new PublishedIndexPeriod(p.Label, p.From, p.To, p.Months, p.Complete, p.FiguresYear, p.Population, false, null, null, null, null,
                p.Estimated, null, p.EstimatedStores, p.StoresWithoutData, shared, null, null, "Visas inte: " + total.Reason);
        }

        var categories = Cells(months, fromMonth, toMonth, m => m.Measured.DagligvarorKr) is { Shown: false } d ? d
            : Cells(months, fromMonth, toMonth, m => m.Measured.SallankopKr);
        var split = categories.Shown;
        PublishedIndex Index(IndexValue v) => new(split ? v.Dagligvaror : null, split ? v.Sallankop : null, v.Total);

        // Growth is a ratio over the stores comparable a year back: shown only if they are enough to hide one.
        var comparable = SalesIndexCalculator.ComparableStores(data, fromMonth, toMonth, 1).Count(s => months.PlanOf(toMonth).GroupOf(s) is not null);
        var growth = comparable >= Options.MinimumStores ? p.Growth : null;
        return new PublishedIndexPeriod(p.Label, p.From, p.To, p.Months, p.Complete, p.FiguresYear, p.Population, true,
            Index(p.Index), Index(p.Low), Index(p.High),
            new PublishedTurnover(split ? p.Reported.DagligvarorKr : null, split ? p.Reported.SallankopKr : null, p.Reported.TotalKr),
            p.Estimated, p.Coverage, p.EstimatedStores, p.StoresWithoutData, shared, p.Gap, growth,
            split ? null : "Dagligvaror och sällanköp visas inte: " + categories.Reason);
    }

    /// <summary>
    /// Each group of stores, each consenting store and each estimate for the months, with the groups
    /// that may not be shown held back. Each month counts with its own groups (as published); a
    /// group is shown over the months only if it was a group of its own, and passed, in every one.
    /// </summary>
    public async Task<PublishedVillageReport> VillagesAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var data = await ReadAsync(index.Earliest(fromMonth), toMonth, MonthParts.Turnover, cancellationToken).ConfigureAwait(false);
        var period = SalesIndexCalculator.MonthsBetween(fromMonth, toMonth);
        var monthCount = period.Count;
        var rows = new List<PublishedVillage>();
        var labels = period.SelectMany(m => data.PlanOf(m).Groups.Where(g => g.StoreIds.Count > 0).Select(g => g.Label)).Distinct().ToList();
        foreach (var label in labels)
        {
            var groups = period.Select(m => (Month: m, Group: data.PlanOf(m).Groups.FirstOrDefault(g => g.Label == label))).ToList();
            var stores = groups.Where(g => g.Group is not null).SelectMany(g => g.Group!.StoreIds).Distinct().Count();
            var villages = groups.Where(g => g.Group is not null).SelectMany(g => g.Group!.Villages).Distinct().Order(StringComparer.Ordinal).ToList();
            var merged = villages.Count > 1 ? $"Sammanslagna: {string.Join(", ", villages)}" : null;
            var verdict = Cells(data, fromMonth, toMonth, m => m.Measured.TotalKr, label);
            var kr = groups.Where(g => g.Group is not null)
                .Sum(g => data[g.Month].Turnover.Where(t => g.Group!.StoreIds.Contains(t.StoreId)).Sum(t => t.Measured.TotalKr));
            rows.Add(verdict.Shown
                ? new PublishedVillage(label, "group", null, stores, Math.Round(kr), CalculatorFor(toMonth).VillagePoints(kr, monthCount, toMonth), false, merged)
                : new PublishedVillage(label, "group", null, stores, null, null, true, $"Visas inte: {verdict.Reason}.{(merged is null ? string.Empty : " " + merged)}"));
        }

        // A consenting store: its own figure for the months published while its consent held.
        var sharedIds = period.SelectMany(m => data.PlanOf(m).Shared.Keys).Distinct().Where(data.StillShares).Order(StringComparer.Ordinal);
        foreach (var id in sharedIds)
        {
            var store = facts.Current.Find(id);
            var (name, village) = (store?.Name ?? id, store?.Village ?? data.PlanOf(toMonth).GroupOf(id)?.Label ?? "Okänd ort");
            var kr = period.Sum(m => data[m].Turnover.Where(t => t.StoreId == id).Sum(t => t.Measured.TotalKr));
            var notShared = period.FirstOrDefault(m => m > LastSettledMonth || !data.PlanOf(m).Shared.ContainsKey(id));
            rows.Add(notShared == default
                ? new PublishedVillage(village, "shared", id, 1, Math.Round(kr), CalculatorFor(toMonth).VillagePoints(kr, monthCount, toMonth), false, $"{name}: {data.PlanOf(toMonth).Shared[id].Describe()}")
                : new PublishedVillage(village, "shared", id, 1, null, null, true, notShared > LastSettledMonth
                    ? $"{name}: Visas inte: {Unsettled(notShared)}."
                    : $"{name}: Visas inte: {notShared:yyyy-MM} publicerades innan samtycket gällde (en publicerad månad ändras inte)."));
        }

        foreach (var (id, kr) in CalculatorFor(toMonth).Estimates(data.Turnover, fromMonth, toMonth, monthCount).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var store = facts.Current.Find(id)!;
            rows.Add(new PublishedVillage(store.Village, "estimate", id, 1, Math.Round(kr), CalculatorFor(toMonth).VillagePoints(kr, monthCount, toMonth), false,
                $"{store.Name}: uppskattad från registrets basomsättning (ingen agent eller inga uppgifter)"));
        }

        var o = Options;
        return new PublishedVillageReport($"{fromMonth:yyyy-MM}–{toMonth:yyyy-MM}", fromMonth, toMonth.AddMonths(1).AddDays(-1), rows,
            $"En siffra visas bara för hela, avslutade månader och om den i varje månad bygger på minst {o.MinimumStores} butiker utan att en butik står för mer än {Percent(o.DominanceShare * 100)} % av den. " +
            $"Butiker visas var för sig bara med ägarens samtycke, från första månaden som publiceras efter att det gavs; butiker utan agent visas med sin uppskattning och räknas inte som bidragande. " +
            "Mindre orter slås ihop; räcker inte det visas de inte. En publicerad månad ändras inte i efterhand.");
    }

    /// <summary>All stores' turnover per month (the index's turnover), with the number of stores, and whether the month may be shown.</summary>
    public async Task<IReadOnlyList<(string Month, decimal Kr, int Stores, bool Shown)>> MonthlySalesAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var data = await ReadAsync(fromMonth, toMonth, MonthParts.Turnover, cancellationToken).ConfigureAwait(false);
        return SalesIndexCalculator.MonthsBetween(fromMonth, toMonth).Where(m => data[m].Turnover.Count > 0)
            .Select(m => (m.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), data[m].Turnover.Sum(d => d.Measured.TotalKr), data[m].Turnover.Count, Cells(data, m, m, t => t.Measured.TotalKr).Shown))
            .ToList();
    }

    /// <summary>Receipts per hour of the day, per month: each month-hour a cell of its own under the rule, in every group.</summary>
    public async Task<IReadOnlyList<(string Month, string Hour, long Receipts, bool Shown)>> ReceiptsByHourAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var data = await ReadAsync(fromMonth, toMonth, MonthParts.Hours, cancellationToken).ConfigureAwait(false);
        return SalesIndexCalculator.MonthsBetween(fromMonth, toMonth)
            .SelectMany(month => data[month].Hours.GroupBy(h => h.Hour).OrderBy(g => g.Key).Select(g =>
            {
                var plan = data.PlanOf(month);
                var shown = month <= LastSettledMonth && plan.Groups.All(group =>
                    DisclosureRule.Check(g.Where(r => group.StoreIds.Contains(r.StoreId)).Select(r => (decimal)r.Receipts), Options).Shown);
                return (month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{g.Key:00}:00", g.Sum(r => r.Receipts), shown);
            }))
            .ToList();
    }

    /// <summary>The cash share of all stores per month; a month is held back unless its stores without consent pass the rule on cash and on all payments.</summary>
    public async Task<IReadOnlyList<PublishedCashMonth>> CashShareAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var data = await ReadAsync(fromMonth, toMonth, MonthParts.Cash, cancellationToken).ConfigureAwait(false);
        return SalesIndexCalculator.MonthsBetween(fromMonth, toMonth).Where(m => data[m].Cash.Count > 0).Select(month =>
        {
            var rows = data[month].Cash;
            var plan = data.PlanOf(month);
            var own = rows.Where(r => plan.GroupOf(r.StoreId) is not null).ToList();
            var verdict = month > LastSettledMonth ? Verdict.Hold(Unsettled(month))
                : DisclosureRule.Check(own.Select(r => (decimal)r.CashOre), Options) is { Shown: false } cash ? cash
                : DisclosureRule.Check(own.Select(r => (decimal)r.TotalOre), Options);
            var total = rows.Sum(r => r.TotalOre);
            var label = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return verdict.Shown
                ? new PublishedCashMonth(label, rows.Count, total == 0 ? 0 : Math.Round((decimal)rows.Sum(r => r.CashOre) / total, 4), false, null)
                : new PublishedCashMonth(label, rows.Count, null, true, "Visas inte: " + verdict.Reason);
        }).ToList();
    }

    /// <summary>
    /// Home deliveries per locality for one whole month. A locality that fails the rule (on the
    /// number of deliveries or on their order value) joins "Övriga orter"; while that fails, the
    /// smallest shown locality joins it too, so the hidden ones cannot be had as a remainder.
    /// </summary>
    public async Task<PublishedDeliveries> DeliveriesAsync(DateOnly month, CancellationToken cancellationToken)
    {
        var note = $"Hemsändningar visas per hel, avslutad månad och ort. En ort som färre än {Options.MinimumStores} butiker levererar till, eller där en butik står för nästan allt, räknas in i \"Övriga orter\".";
        if (month > LastSettledMonth)
        {
            return new PublishedDeliveries(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), [], $"Visas inte: {Unsettled(month)}. {note}");
        }

        var data = await ReadAsync(month, month, MonthParts.Deliveries, cancellationToken).ConfigureAwait(false);
        var plan = data.PlanOf(month);
        var rows = data[month].Deliveries;

        Verdict Check(IReadOnlyCollection<StoreDelivery> cell)
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

        static DeliveryFigure Figure(string locality, IReadOnlyCollection<StoreDelivery> cell)
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
        var view = await forecasts.LatestAsync(municipality.ForecastSeries, cancellationToken).ConfigureAwait(false);
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

        return new PublishedOutlook(latest.Year, latest.AsOf, latest.Expected, latest.Low, latest.High, latest.ProbabilityOfTarget, latest.Method);
    }

    /// <summary>Why the last settled month's total may not be shown, or null if it may.</summary>
    private async Task<string?> LatestMonthHeldAsync(CancellationToken cancellationToken)
    {
        var month = LastSettledMonth;
        var verdict = Cells(await ReadAsync(month, month, MonthParts.Turnover, cancellationToken).ConfigureAwait(false), month, month, m => m.Measured.TotalKr);
        return verdict.Shown ? null : verdict.Reason;
    }

    /// <summary>
    /// Every cell (group × month, each month with its own groups) of a figure must pass; the first
    /// that does not says why. <paramref name="only"/>: one group, by its label, which must then be a
    /// group of its own in every month.
    /// </summary>
    private Verdict Cells(Months data, DateOnly fromMonth, DateOnly toMonth, Func<StoreMonth, decimal> measure, string? only = null)
    {
        foreach (var month in SalesIndexCalculator.MonthsBetween(fromMonth, toMonth))
        {
            if (month > LastSettledMonth)
            {
                return Verdict.Hold(Unsettled(month));
            }

            var groups = data.PlanOf(month).Groups.Where(g => only is null || g.Label == only).ToList();
            if (only is not null && groups.Count == 0)
            {
                return Verdict.Hold($"{only} {month:yyyy-MM}: orten hörde då till en annan grupp");
            }

            foreach (var group in groups)
            {
                var verdict = DisclosureRule.Check(data[month].Turnover.Where(d => group.StoreIds.Contains(d.StoreId)).Select(measure), Options);
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
