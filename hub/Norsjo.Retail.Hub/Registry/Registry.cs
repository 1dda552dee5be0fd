namespace Norsjo.Retail.Hub.Registry;

/// <summary>What the municipality has declared: its stores and, per year, the figures the sales index needs.</summary>
public sealed record StoreRegistry(string Municipality, IReadOnlyList<Store> Stores, IReadOnlyList<MunicipalYear> Years)
{
    private readonly Dictionary<string, Store> _byId = Stores.ToDictionary(s => s.Id, StringComparer.Ordinal);

    public Store? Find(string storeId) => _byId.GetValueOrDefault(storeId);
}

/// <summary>A shop. Data dated before <see cref="Opened"/> is refused as impossible.</summary>
public sealed record Store(string Id, string Name, string Village, DateOnly Opened, OpeningHours Hours);

/// <summary>
/// One year's denominators for the försäljningsindex (DESIGN.md): the municipality's population on
/// 31 December, the national turnover per resident per category, and the income factor I_k.
/// </summary>
public sealed record MunicipalYear(
    int Year,
    int Population,
    long NationalDagligvarorPerResidentKr,
    long NationalSallankopPerResidentKr,
    decimal IncomeFactor);

/// <summary>Opening hours per weekday, each day a list of intervals (empty: closed).</summary>
public sealed record OpeningHours(IReadOnlyDictionary<DayOfWeek, IReadOnlyList<(TimeOnly Open, TimeOnly Close)>> Days)
{
    public bool IsOpen(DayOfWeek day, TimeOnly time) =>
        Days.TryGetValue(day, out var intervals) && intervals.Any(i => time >= i.Open && time < i.Close);
}
