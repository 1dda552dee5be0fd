using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.DemoTill;

/// <summary>
/// A village the shop delivers to, with the road distance from the shop (0 for the shop's own
/// village, where each household lies 0.4–3.2 km away) and how many of its households order.
/// </summary>
public sealed record DemoVillage(string Name, decimal RoadKm, int Households);

/// <summary>
/// How busy a demo shop is: its ordinary day, how much summer guests add, what share of receipts
/// are home deliveries and to which villages. Its opening hours are the registry's (registry.yaml),
/// so the demo cannot sell when the registry says the shop is closed. The four are the demo's Norsjö
/// shops: made up, but shaped like village shops up here.
/// </summary>
public sealed record DemoShop(string Id, int ReceiptsPerDay, double SummerFactor, double DeliveryShare, IReadOnlyList<DemoVillage> Customers)
{
    /// <summary>The villages of the tests' ordinary shop (it stands in Norsjö).</summary>
    private static readonly DemoVillage[] Ordinary = [new("Norsjö", 0, 20), new("Kusfors", 17, 8), new("Bjurträsk", 20, 6), new("Petiknäs", 25, 6)];

    /// <summary>Open 08–20 every day: the shop of the tests that need no registry.</summary>
    public static OpeningHours EveryDay { get; } = new(Enum.GetValues<DayOfWeek>().ToDictionary(
        d => d, _ => (IReadOnlyList<(TimeOnly Open, TimeOnly Close)>)[(new TimeOnly(8, 0), new TimeOnly(20, 0))]));

    /// <summary>
    /// The demo shops. Distances are approximate road distances between the villages of Norsjö
    /// kommun (Bastuträsk–Norsjö is some 30 km): each shop delivers to its own village and the
    /// villages around it, not to the other service villages, which have shops of their own.
    /// </summary>
    public static IReadOnlyList<DemoShop> Norsjo { get; } =
    [
        new("norsjo-livs", 260, 1.15, 0.012,
            [new("Norsjö", 0, 14), new("Risliden", 16, 5), new("Mensträsk", 19, 4), new("Bjurträsk", 20, 4), new("Svansele", 24, 3)]),
        new("bastutrask-lanthandel", 120, 1.3, 0.017, // Affärn i Bastuträsk
            [new("Bastuträsk", 0, 8), new("Bastuträsk by", 5, 4), new("Kvavisträsk", 12, 3), new("Bjurträsk", 14, 3), new("Åmliden", 16, 3)]),
        new("kusfors-handel", 55, 1.25, 0.027, // Björks lanthandel, Kusfors
            [new("Kusfors", 0, 6), new("Petiknäs", 9, 4), new("Böle", 12, 3), new("Gallejaur", 20, 2)]),
        new("norsjovallen-butik", 70, 1.9, 0.014, // the lakes and the camping fill it in July
            [new("Norsjövallen", 0, 6), new("Mensträsk", 8, 3), new("Raggsjö", 11, 3), new("Svansele", 13, 2)]),
    ];

    /// <summary>Opening hours per weekday; by default <see cref="EveryDay"/>.</summary>
    public OpeningHours Hours { get; init; } = EveryDay;

    /// <summary>The demo shops with the opening hours the registry gives them.</summary>
    public static IReadOnlyList<DemoShop> FromRegistry(StoreRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return [.. Norsjo.Select(s => s with
        {
            Hours = (registry.Find(s.Id) ?? throw new InvalidOperationException($"the registry has no store '{s.Id}', which the demo till knows")).Hours,
        })];
    }

    /// <summary>A shop of this id (with the registry's hours when a registry is given), or an ordinary one open 8–20 every day.</summary>
    public static DemoShop Find(string? id, int receiptsPerDay, StoreRegistry? registry = null)
    {
        var shop = Norsjo.FirstOrDefault(s => s.Id == id) ?? new DemoShop(id ?? "demo", receiptsPerDay, 1.2, 1 / 30.0, Ordinary);
        return registry?.Find(shop.Id) is { } store ? shop with { Hours = store.Hours } : shop;
    }

    /// <summary>The day's opening intervals in minutes after midnight; empty when closed that weekday.</summary>
    public IReadOnlyList<(int Open, int Close)> OpenMinutes(DayOfWeek day) =>
        Hours.Days.TryGetValue(day, out var intervals)
            ? [.. intervals.Select(i => ((i.Open.Hour * 60) + i.Open.Minute, i.Close == TimeOnly.MinValue ? 24 * 60 : (i.Close.Hour * 60) + i.Close.Minute))]
            : [];
}
