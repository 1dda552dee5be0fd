namespace Norsjo.Retail.Hub.Registry;

/// <summary>What the municipality has declared: its stores and, per year, the figures the sales index needs.</summary>
public sealed record StoreRegistry(string Municipality, IReadOnlyList<Store> Stores, IReadOnlyList<MunicipalYear> Years)
{
    private readonly Dictionary<string, Store> _byId = Stores.ToDictionary(s => s.Id, StringComparer.Ordinal);

    public CategoryGroups Categories { get; init; } = CategoryGroups.Default;

    public Subsidy.SubsidyPolicy Subsidy { get; init; } = Norsjo.Retail.Hub.Subsidy.SubsidyPolicy.None;

    /// <summary>The index target when the registry sets none: Norsjö's business strategy (the index must rise above 60).</summary>
    public const decimal DefaultIndexTarget = 60m;

    /// <summary>The total index the municipality aims for: each municipality sets its own (registry file: index_target).</summary>
    public decimal IndexTarget { get; init; } = DefaultIndexTarget;

    /// <summary>How far an estimated store's turnover may be off, as a share (0.25 = ±25 %).</summary>
    public decimal EstimateUncertainty { get; init; } = 0.25m;

    public Store? Find(string storeId) => _byId.GetValueOrDefault(storeId);

    /// <summary>The year's figures, or the latest year before it (the index then says which year it used).</summary>
    public MunicipalYear? FiguresFor(int year) => Years.Where(y => y.Year <= year).MaxBy(y => y.Year) ?? Years.MinBy(y => y.Year);
}

/// <summary>
/// A shop. Data dated before <see cref="Opened"/> is refused as impossible. A store that runs no
/// agent (<see cref="Reports"/> false) is counted in the index through its <see cref="Baseline"/>.
/// </summary>
public sealed record Store(string Id, string Name, string Village, DateOnly Opened, OpeningHours Hours)
{
    public bool Reports { get; init; } = true;

    public StoreBaseline? Baseline { get; init; }
}

/// <summary>A store's known yearly turnover including VAT (from its annual report or an estimate), per index category.</summary>
public sealed record StoreBaseline(int Year, long DagligvarorKr, long SallankopKr);

public enum IndexGroup
{
    Dagligvaror,
    Sallankop,
    Excluded,
}

/// <summary>
/// Which category codes count where in the index (HUI: dagligvaror are groceries, tobacco,
/// newspapers, flowers, OTC pharmacy; fuel and agent services are not retail turnover; the rest is
/// sällanköp), and which are food, whose VAT fell from 12 to 6 % in April 2026.
/// </summary>
public sealed record CategoryGroups(IReadOnlySet<string> Dagligvaror, IReadOnlySet<string> Excluded, IReadOnlySet<string> Food)
{
    public static CategoryGroups Default { get; } = new(
        new HashSet<string>(["dagligvaror", "tobak", "tidningar", "blommor", "receptfria_lakemedel"]),
        new HashSet<string>(["drivmedel", "ombud", "spel"]),
        new HashSet<string>(["dagligvaror"]));

    /// <summary>A category's group; sources that only know VAT rates (SIE) give no category, and then the rate decides.</summary>
    public IndexGroup GroupOf(string category, int vatRateBp) =>
        category.Length == 0 ? vatRateBp switch { 600 or 1200 => IndexGroup.Dagligvaror, 0 => IndexGroup.Excluded, _ => IndexGroup.Sallankop }
        : Excluded.Contains(category) ? IndexGroup.Excluded
        : Dagligvaror.Contains(category) ? IndexGroup.Dagligvaror
        : IndexGroup.Sallankop;

    public bool IsFood(string category, int vatRateBp) => Food.Contains(category) || (category.Length == 0 && vatRateBp is 600 or 1200);
}

/// <summary>
/// One year's denominators for the försäljningsindex (DESIGN.md): the municipality's population on
/// 31 December, the national turnover per resident per category, and the income factor I_k.
/// </summary>
public sealed record MunicipalYear(
    int Year,
    int Population,
    long NationalDagligvarorPerResidentKr,
    long NationalSallankopPerResidentKr,
    decimal IncomeFactor)
{
    /// <summary>Where each figure comes from (e.g. "SCB", "HUI"), for the line beside the index; empty when not said.</summary>
    public YearSources Sources { get; init; } = YearSources.Unknown;
}

/// <summary>The source of a year's population, national turnover and income factor, as the municipality wrote it.</summary>
public sealed record YearSources(string Population, string NationalTurnover, string IncomeFactor)
{
    public static YearSources Unknown { get; } = new(string.Empty, string.Empty, string.Empty);
}

/// <summary>Opening hours per weekday, each day a list of intervals (empty: closed).</summary>
public sealed record OpeningHours(IReadOnlyDictionary<DayOfWeek, IReadOnlyList<(TimeOnly Open, TimeOnly Close)>> Days)
{
    public bool IsOpen(DayOfWeek day, TimeOnly time) =>
        Days.TryGetValue(day, out var intervals) && intervals.Any(i => time >= i.Open && time < i.Close);
}
