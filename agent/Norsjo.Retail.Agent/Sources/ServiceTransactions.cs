using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources;

/// <summary>
/// One service transaction as a source read it (a cash withdrawal, a parcel handed out …). It stays
/// in the agent: only a keyed hash of it is kept, to count it once, and only the day's count per
/// kind is sent (<see cref="Contracts.V1.ServiceVolume"/>).
/// </summary>
public sealed record ServiceTransaction(ServiceKind Kind, long AmountOre);

/// <summary>
/// The service kinds as tills write them (agent/README.md) and the rules every source applies: a
/// known kind, an amount for kontantuttag (the cash paid out, above zero) and none for the others.
/// </summary>
public static class ServiceKinds
{
    /// <summary>The contract's names (ServiceKindNames), and the same with å, ä, ö as Swedish tills may write them.</summary>
    private static readonly Dictionary<string, ServiceKind> Names = ServiceKindNames.All
        .SelectMany(k => new[] { (k.Name, k.Kind), (Swedish(k.Name), k.Kind) })
        .DistinctBy(n => n.Item1)
        .ToDictionary(n => n.Item1, n => n.Item2, StringComparer.OrdinalIgnoreCase);

    /// <summary>What the README and the error messages list.</summary>
    public const string Known = "kontantuttag, paket_utlamnat, betala_rakning, apoteksombud eller ovrigt";

    public static ServiceKind Parse(string text, string field = "service")
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text.Trim();
        return name.Length == 0 ? throw new FormatException($"{field} saknas för en tjänsterad ({Known}).")
            : Names.TryGetValue(name, out var kind) ? kind
            : throw new FormatException($"{field} \"{(name.Length > 40 ? name[..40] + "…" : name)}\" är en okänd tjänst ({Known}).");
    }

    /// <summary>
    /// The transaction, if it holds: a known kind, and for kontantuttag an amount (the cash paid out;
    /// tills write it with either sign, as money leaving the drawer or as the customer's withdrawal).
    /// Other kinds are only counted: an amount on them (the bill a customer paid) is not read.
    /// </summary>
    public static ServiceTransaction Check(ServiceKind kind, long? amountOre, string field)
    {
        if (kind is ServiceKind.Unspecified || !Enum.IsDefined(kind))
        {
            throw new FormatException($"{field}: okänd tjänst ({Known}).");
        }

        if (kind != ServiceKind.Kontantuttag)
        {
            return new ServiceTransaction(kind, 0);
        }

        return amountOre is { } amount && amount != 0 ? new ServiceTransaction(kind, Math.Abs(amount))
            : throw new FormatException($"{field}: ett kontantuttag ska ha ett belopp (det som betalades ut).");
    }

    /// <summary>A service row of an export file: its kind and, for kontantuttag only, its amount in kronor.</summary>
    public static ServiceTransaction Read(string kindText, string amountText, string kindField, string amountField)
    {
        ArgumentNullException.ThrowIfNull(amountText);
        var kind = Parse(kindText, kindField);
        return Check(kind, kind == ServiceKind.Kontantuttag && amountText.Trim().Length > 0 ? SwedishValues.ParseOre(amountText, amountField) : null, kindField);
    }

    public static string Name(ServiceKind kind) => ServiceKindNames.Name(kind) ?? kind.ToString();

    private static string Swedish(string name) => name switch
    {
        "paket_utlamnat" => "paket_utlämnat",
        "betala_rakning" => "betala_räkning",
        "ovrigt" => "övrigt",
        _ => name,
    };
}
