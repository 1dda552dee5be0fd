namespace Norsjo.Retail.Contracts.V1;

/// <summary>
/// The one spelling of each service kind (sales.proto ServiceKind) outside the wire: in the tills'
/// export files (agent/README.md), the hub's ClickHouse column and the API. Agent and hub both use it.
/// </summary>
public static class ServiceKindNames
{
    public static IReadOnlyList<(ServiceKind Kind, string Name, string Swedish)> All { get; } =
    [
        (ServiceKind.Kontantuttag, "kontantuttag", "Kontantuttag"),
        (ServiceKind.PaketUtlamnat, "paket_utlamnat", "Paket utlämnade"),
        (ServiceKind.BetalaRakning, "betala_rakning", "Betalda räkningar"),
        (ServiceKind.Apoteksombud, "apoteksombud", "Apoteksombud"),
        (ServiceKind.Ovrigt, "ovrigt", "Övriga tjänster"),
    ];

    /// <summary>The name of a known kind; an unknown or unspecified kind has none.</summary>
    public static string? Name(ServiceKind kind) => All.FirstOrDefault(k => k.Kind == kind).Name;

    public static ServiceKind? Parse(string name) =>
        All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found.Kind : null;
}
