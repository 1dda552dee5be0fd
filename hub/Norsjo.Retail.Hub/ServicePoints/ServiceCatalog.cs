namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>A service or payment method: its code (the API's and the open data's) and its Swedish name (the pages').</summary>
public sealed record ServiceKind(string Code, string Name);

/// <summary>
/// The fixed lists a service point is described with, in one place: the service plan's broadened idea
/// of basic commercial service (groceries, fuel, post and parcels, pharmacy goods, payment services,
/// and charging, parcel boxes, home delivery, meeting places), and how one can pay. The order is the
/// order the pages list them in. Anything else a place offers goes in its free text.
/// </summary>
public static class ServiceCatalog
{
    /// <summary>Home delivery is the one service that names the villages it reaches.</summary>
    public const string HomeDelivery = "hemsandning";

    public static IReadOnlyList<ServiceKind> Services { get; } =
    [
        new("dagligvaror", "Dagligvaror"),
        new("drivmedel", "Drivmedel"),
        new("paketombud", "Paketombud"),
        new("postombud", "Postombud"),
        new("apoteksombud", "Apoteksombud"),
        new("kontantuttag", "Kontantuttag"),
        new("betala_rakningar", "Betala räkningar"),
        new("insattning_dagskassa", "Insättning av dagskassa"),
        new("laddstolpe", "Laddstolpe"),
        new("paketbox", "Paketbox"),
        new(HomeDelivery, "Hemsändning"),
        new("servicepunkt", "Servicepunkt/mötesplats"),
    ];

    public static IReadOnlyList<ServiceKind> Payments { get; } =
    [
        new("kontant", "Kontant"),
        new("kort", "Kort"),
        new("swish", "Swish"),
        new("faktura", "Faktura"),
    ];

    public static string ServiceName(string code) => Services.FirstOrDefault(s => s.Code == code)?.Name ?? code;

    public static string PaymentName(string code) => Payments.FirstOrDefault(p => p.Code == code)?.Name ?? code;

    /// <summary>Codes in the catalogue's order, so two lists with the same services compare equal.</summary>
    public static IReadOnlyList<string> InOrder(IEnumerable<string> codes, IReadOnlyList<ServiceKind> catalogue)
    {
        var set = codes.ToHashSet(StringComparer.Ordinal);
        return [.. catalogue.Where(k => set.Contains(k.Code)).Select(k => k.Code)];
    }
}
