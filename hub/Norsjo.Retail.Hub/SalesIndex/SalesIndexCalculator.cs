using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.SalesIndex;

/// <summary>
/// The index over a run of months, from the stores' monthly turnover. Pure: everything it needs is
/// passed in, so it can be checked against the published figures.
///
/// Coverage, the stated method: a store that reports counts with what it reported. A store that
/// does not (or reported nothing in the period) counts with its registry baseline — its yearly
/// turnover in a known year — scaled to the period's length and by the trend of the comparable
/// reporting stores (those with data both in the period and in the same months of the baseline
/// year). That estimate is uncertain by ± <see cref="StoreRegistry.EstimateUncertainty"/>, which
/// gives the Low–High range beside the index.
/// </summary>
public sealed class SalesIndexCalculator(StoreRegistry registry)
{
    public const int MinimumStoresPerFigure = 3;

    public IndexPeriod Compute(IReadOnlyList<StoreMonth> data, DateOnly fromMonth, DateOnly toMonth, string label, bool annualise)
    {
        ArgumentNullException.ThrowIfNull(data);
        var months = MonthsBetween(fromMonth, toMonth);
        var inPeriod = data.Where(d => d.Month >= fromMonth && d.Month <= toMonth).ToList();
        var monthsWithData = annualise ? Math.Max(1, inPeriod.Select(d => d.Month).Distinct().Count()) : months.Count;
        var scale = 12m / monthsWithData;

        var (reported, estimated, estimatedStores, missing) = Gather(data, fromMonth, toMonth, monthsWithData, constantVat: false);
        var figures = registry.FiguresFor(toMonth.Year) ?? throw new InvalidOperationException("The registry has no years: the index needs population and national figures.");
        var national = new Turnover(figures.NationalDagligvarorPerResidentKr, figures.NationalSallankopPerResidentKr);
        IndexValue IndexOf(Turnover t) => new(
            SalesIndexFormula.Index(t.DagligvarorKr * scale, figures.Population, national.DagligvarorKr, figures.IncomeFactor),
            SalesIndexFormula.Index(t.SallankopKr * scale, figures.Population, national.SallankopKr, figures.IncomeFactor),
            SalesIndexFormula.Index(t.TotalKr * scale, figures.Population, national.TotalKr, figures.IncomeFactor));

        var total = reported + estimated;
        var u = registry.EstimateUncertainty;
        var yearly = total.TotalKr * scale;
        var needed = SalesIndexFormula.TurnoverFor(registry.IndexTarget, figures.Population, national.TotalKr, figures.IncomeFactor);
        var gap = Math.Max(0, needed - yearly);

        // Growth like for like: only the store-months that have data in both years, so a store that
        // joined, or a month not yet reported, does not look like trade growing or shrinking.
        Growth? growth = null;
        var (measuredNow, measuredBefore) = LikeForLike(data, fromMonth, toMonth, 1, constantVat: false);
        var (constantNow, constantBefore) = LikeForLike(data, fromMonth, toMonth, 1, constantVat: true);
        if (measuredBefore > 0 && constantBefore > 0)
        {
            growth = new Growth(
                Math.Round((measuredNow / measuredBefore - 1) * 100, 1),
                Math.Round((constantNow / constantBefore - 1) * 100, 1));
        }

        return new IndexPeriod(
            label, fromMonth, toMonth.AddMonths(1).AddDays(-1), monthsWithData, !annualise || monthsWithData == 12, figures.Year, figures.Population,
            IndexOf(total).Rounded(),
            IndexOf(reported + estimated.Times(1 - u)).Rounded(),
            IndexOf(reported + estimated.Times(1 + u)).Rounded(),
            reported.Rounded(), estimated.Rounded(),
            total.TotalKr == 0 ? 0 : Math.Round(reported.TotalKr / total.TotalKr, 3),
            estimatedStores, missing,
            new GapToTarget(registry.IndexTarget, Math.Round(needed), Math.Round(gap), Math.Round(gap / figures.Population / 12, 2), gap == 0),
            growth);
    }

    /// <summary>Each village's turnover and index points, with small groups merged or suppressed.</summary>
    public VillageReport Villages(IReadOnlyList<StoreMonth> data, DateOnly fromMonth, DateOnly toMonth, string label)
    {
        ArgumentNullException.ThrowIfNull(data);
        var monthCount = MonthsBetween(fromMonth, toMonth).Count;
        var figures = registry.FiguresFor(toMonth.Year) ?? throw new InvalidOperationException("The registry has no years.");
        var nationalTotal = figures.NationalDagligvarorPerResidentKr + figures.NationalSallankopPerResidentKr;
        var perStore = StoreTotals(data, fromMonth, toMonth, monthCount);
        var groups = perStore
            .GroupBy(s => registry.Find(s.Key)?.Village ?? "Okänd ort")
            .Select(g => (Village: g.Key, Stores: g.Count(), Kr: g.Sum(s => s.Value)))
            .OrderByDescending(g => g.Kr)
            .ToList();

        // Villages of fewer than 3 stores go into one merged group; while that group is still too
        // small, the smallest shown village joins it, so no figure can be had by subtraction either.
        var shown = groups.Where(g => g.Stores >= MinimumStoresPerFigure).ToList();
        var merged = groups.Where(g => g.Stores < MinimumStoresPerFigure).ToList();
        while (merged.Count > 0 && merged.Sum(m => m.Stores) < MinimumStoresPerFigure && shown.Count > 0)
        {
            var smallest = shown.MinBy(g => g.Kr);
            shown.Remove(smallest);
            merged.Add(smallest);
        }

        decimal Points(decimal kr) => Math.Round(SalesIndexFormula.Index(kr * 12m / monthCount, figures.Population, nationalTotal, figures.IncomeFactor), 1);
        var result = shown.Select(g => new VillageFigure(g.Village, g.Stores, Math.Round(g.Kr), Points(g.Kr), false, null)).ToList();
        if (merged.Count > 0)
        {
            var names = string.Join(", ", merged.Select(m => m.Village).Order(StringComparer.Ordinal));
            var stores = merged.Sum(m => m.Stores);
            var kr = merged.Sum(m => m.Kr);
            result.Add(stores >= MinimumStoresPerFigure
                ? new VillageFigure("Övriga orter", stores, Math.Round(kr), Points(kr), false, $"Sammanslagna: {names}")
                : new VillageFigure("Övriga orter", stores, null, null, true, $"Visas inte: {names} har tillsammans färre än {MinimumStoresPerFigure} butiker"));
        }

        return new VillageReport(label, fromMonth, toMonth.AddMonths(1).AddDays(-1), result,
            $"En siffra visas bara om den bygger på minst {MinimumStoresPerFigure} butiker (en enskild butiks omsättning är en affärshemlighet). Mindre orter slås ihop, och räcker inte det visas de inte.");
    }

    /// <summary>The estimated stores' turnover over <paramref name="months"/> months, per store (each published beside the index).</summary>
    public IReadOnlyDictionary<string, decimal> Estimates(IReadOnlyList<StoreMonth> data, DateOnly from, DateOnly to, int months)
    {
        var (_, _, estimatedStores, _, perStore) = GatherDetailed(data, from, to, months, constantVat: false);
        return estimatedStores.ToDictionary(s => s, s => perStore[s], StringComparer.Ordinal);
    }

    /// <summary>The index points a village's turnover over <paramref name="monthCount"/> months gives.</summary>
    public decimal VillagePoints(decimal kr, int monthCount, DateOnly toMonth)
    {
        var figures = registry.FiguresFor(toMonth.Year) ?? throw new InvalidOperationException("The registry has no years.");
        var nationalTotal = figures.NationalDagligvarorPerResidentKr + figures.NationalSallankopPerResidentKr;
        return Math.Round(SalesIndexFormula.Index(kr * 12m / monthCount, figures.Population, nationalTotal, figures.IncomeFactor), 1);
    }

    /// <summary>The stores whose months count in the like-for-like growth (see <see cref="LikeForLike"/>).</summary>
    public static IReadOnlySet<string> ComparableStores(IReadOnlyList<StoreMonth> data, DateOnly from, DateOnly to, int yearsBack)
    {
        var stores = new HashSet<string>(StringComparer.Ordinal);
        LikeForLike(data, from, to, yearsBack, constantVat: false, stores);
        return stores;
    }

    public static List<DateOnly> MonthsBetween(DateOnly from, DateOnly to)
    {
        var months = new List<DateOnly>();
        for (var m = new DateOnly(from.Year, from.Month, 1); m <= to; m = m.AddMonths(1))
        {
            months.Add(m);
        }

        return months;
    }

    private Dictionary<string, decimal> StoreTotals(IReadOnlyList<StoreMonth> data, DateOnly from, DateOnly to, int months)
    {
        var (_, _, _, _, perStore) = GatherDetailed(data, from, to, months, constantVat: false);
        return perStore;
    }

    private (Turnover Reported, Turnover Estimated, IReadOnlyList<string> EstimatedStores, IReadOnlyList<string> Missing) Gather(
        IReadOnlyList<StoreMonth> data, DateOnly from, DateOnly to, int months, bool constantVat)
    {
        var (reported, estimated, estimatedStores, missing, _) = GatherDetailed(data, from, to, months, constantVat);
        return (reported, estimated, estimatedStores, missing);
    }

    private (Turnover Reported, Turnover Estimated, IReadOnlyList<string> EstimatedStores, IReadOnlyList<string> Missing, Dictionary<string, decimal> PerStore)
        GatherDetailed(IReadOnlyList<StoreMonth> data, DateOnly from, DateOnly to, int months, bool constantVat)
    {
        Turnover Of(StoreMonth m) => constantVat ? m.ConstantVat : m.Measured;
        var inPeriod = data.Where(d => d.Month >= from && d.Month <= to).ToList();
        var reportingIds = inPeriod.Select(d => d.StoreId).ToHashSet(StringComparer.Ordinal);
        var reported = inPeriod.Aggregate(Turnover.Zero, (sum, m) => sum + Of(m));
        var perStore = inPeriod.GroupBy(d => d.StoreId).ToDictionary(g => g.Key, g => g.Sum(m => Of(m).TotalKr), StringComparer.Ordinal);
        var estimated = Turnover.Zero;
        var estimatedStores = new List<string>();
        var missing = new List<string>();
        foreach (var store in registry.Stores.Where(s => !reportingIds.Contains(s.Id) && s.Opened <= to.AddMonths(1).AddDays(-1)))
        {
            if (store.Baseline is not { } baseline)
            {
                missing.Add(store.Id);
                continue;
            }

            var shift = to.Year - baseline.Year;
            var trend = Trend(data, from, to, shift, constantVat);
            var share = months / 12m * trend;
            var estimate = new Turnover(baseline.DagligvarorKr * share, baseline.SallankopKr * share);
            estimated += estimate;
            estimatedStores.Add(store.Id);
            perStore[store.Id] = estimate.TotalKr;
        }

        return (reported, estimated, estimatedStores, missing, perStore);
    }

    /// <summary>How the comparable reporting stores' turnover moved from the baseline year's months to the period's.</summary>
    private static decimal Trend(IReadOnlyList<StoreMonth> data, DateOnly from, DateOnly to, int yearsBack, bool constantVat)
    {
        if (yearsBack == 0)
        {
            return 1m;
        }

        var (now, before) = LikeForLike(data, from, to, yearsBack, constantVat);
        return before <= 0 ? 1m : now / before;
    }

    /// <summary>
    /// Turnover in the period and <paramref name="yearsBack"/> years earlier, summed only over the
    /// store-months present in both with about as many days of sales: a like-for-like comparison.
    /// </summary>
    private static (decimal Now, decimal Before) LikeForLike(IReadOnlyList<StoreMonth> data, DateOnly from, DateOnly to, int yearsBack, bool constantVat, HashSet<string>? stores = null)
    {
        var byKey = data.ToDictionary(d => (d.StoreId, d.Month));
        decimal now = 0, before = 0;
        foreach (var current in data.Where(d => d.Month >= from && d.Month <= to))
        {
            // Both months sold on about as many days: a month the agent joined half-way is not compared.
            if (byKey.TryGetValue((current.StoreId, current.Month.AddYears(-yearsBack)), out var earlier)
                && Math.Min(current.Days, earlier.Days) >= 0.9 * Math.Max(current.Days, earlier.Days))
            {
                stores?.Add(current.StoreId);
                now += (constantVat ? current.ConstantVat : current.Measured).TotalKr;
                before += (constantVat ? earlier.ConstantVat : earlier.Measured).TotalKr;
            }
        }

        return (now, before);
    }
}
