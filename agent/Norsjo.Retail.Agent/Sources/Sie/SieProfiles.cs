using System.Globalization;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>What each account of a shop's SIE files means, once profile and settings are combined.</summary>
public sealed class SieMapping
{
    /// <summary>A sales account whose VAT rate follows from the voucher's VAT rows.</summary>
    public const int RateByVat = -1;

    public required string Profile { get; init; }

    /// <summary>Sales account → VAT rate in percent, or <see cref="RateByVat"/>.</summary>
    public required IReadOnlyDictionary<string, int> Sales { get; init; }

    public required IReadOnlyDictionary<string, int> Vat { get; init; }

    public required IReadOnlyDictionary<string, PaymentMethod> Payments { get; init; }

    public required IReadOnlySet<string> Adjustments { get; init; }

    public required SieAccounts Settings { get; init; }

    public bool Covers(string account) =>
        Sales.ContainsKey(account) || Vat.ContainsKey(account) || Payments.ContainsKey(account) || Adjustments.Contains(account);

    /// <summary>The VAT rates a day of this mapping can have: each is sent, zero or not, so a newer file replaces the day whole.</summary>
    public IEnumerable<int> Rates => Vat.Values.Concat(Sales.Values.Where(r => r >= 0)).Distinct().Order();

    public IEnumerable<PaymentMethod> Methods => Payments.Values.Distinct().Order();
}

/// <summary>
/// The vendor profiles: account layouts seen in the SIE exports of the tills and bookkeeping
/// programs Swedish village shops use. A shop picks one with Agent:Sie:Profile and adds its own
/// accounts on top; agent/README.md tells a shop owner how to see which one fits.
/// </summary>
public static class SieProfiles
{
    public const string Bas = "bas";
    public const string Kassa3010 = "kassa-3010";
    public const string EsKassasystem = "es-kassasystem";

    /// <summary>
    /// Profile → (sales with rates or by VAT, VAT accounts, payment accounts, adjustments). Each is
    /// written once here; the README's table is about these.
    /// </summary>
    private static readonly Dictionary<string, Func<SieMapping>> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        // BAS: 3001/3002/3003 (and 3051–3053) at 25/12/6 %, VAT 2611/2621/2631, cash 1910,
        // Swish on the bank account 1930, card receivables 1580; 3740 öres- och kronutjämning.
        [Bas] = () => Build(Bas,
            sales: new() { ["3001"] = 25, ["3002"] = 12, ["3003"] = 6, ["3051"] = 25, ["3052"] = 12, ["3053"] = 6 },
            salesByVat: [],
            vat: new() { ["2611"] = 25, ["2621"] = 12, ["2631"] = 6 },
            payments: new() { ["1910"] = PaymentMethod.Cash, ["1930"] = PaymentMethod.Swish, ["1580"] = PaymentMethod.Card },
            adjustments: ["3740"]),
        // Tills that book sales per product group on 3010/3020/3030… and VAT on 2610/2620/2630 or
        // their BAS sub-accounts (2611, 2621, 2631): which group carries which rate differs per
        // shop, so the rate is taken from the voucher's VAT rows.
        [Kassa3010] = () => Build(Kassa3010,
            sales: [],
            salesByVat: Range(3010, 3099),
            vat: new() { ["2610"] = 25, ["2611"] = 25, ["2620"] = 12, ["2621"] = 12, ["2630"] = 6, ["2631"] = 6 },
            payments: new() { ["1910"] = PaymentMethod.Cash, ["1580"] = PaymentMethod.Card, ["1930"] = PaymentMethod.Swish },
            adjustments: ["3740"]),
        // ES Kassasystem's Z-report export ("Transaktioner per z-rapport och konto"): sales on 3210
        // and on one account per category in 3300–3399, VAT on 2610/2620/2630, card on 1932, Swish
        // on 1925, cash on 1910; the rate of a category account is taken from the VAT rows.
        [EsKassasystem] = () => Build(EsKassasystem,
            sales: [],
            salesByVat: [.. Range(3200, 3299), .. Range(3300, 3399)],
            vat: new() { ["2610"] = 25, ["2620"] = 12, ["2630"] = 6 },
            payments: new() { ["1910"] = PaymentMethod.Cash, ["1932"] = PaymentMethod.Card, ["1925"] = PaymentMethod.Swish },
            adjustments: ["3740"]),
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static SieMapping Resolve(SieAccounts settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var name = string.IsNullOrWhiteSpace(settings.Profile) ? Bas : settings.Profile.Trim();
        if (!Known.TryGetValue(name, out var profile))
        {
            throw new InvalidOperationException(
                $"Agent:Sie:Profile '{name}' är ingen känd profil. Välj en av: {string.Join(", ", Known.Keys)}.");
        }

        var basis = profile();
        var sales = new Dictionary<string, int>(basis.Sales);
        foreach (var account in settings.SalesByVat.SelectMany(Expand))
        {
            sales[account] = SieMapping.RateByVat;
        }

        foreach (var (account, rate) in settings.Sales)
        {
            sales[account] = rate;
        }

        var vat = new Dictionary<string, int>(basis.Vat);
        foreach (var (account, rate) in settings.Vat)
        {
            vat[account] = rate;
        }

        var payments = new Dictionary<string, PaymentMethod>(basis.Payments);
        foreach (var (account, method) in settings.Payments)
        {
            payments[account] = ToMethod(method);
        }

        var adjustments = new HashSet<string>(basis.Adjustments);
        adjustments.UnionWith(settings.Adjustments.SelectMany(Expand));
        return new SieMapping { Profile = basis.Profile, Sales = sales, Vat = vat, Payments = payments, Adjustments = adjustments, Settings = settings };
    }

    /// <summary>The profiles (other than the one in use) that would cover all these accounts.</summary>
    public static IEnumerable<string> Covering(IReadOnlyCollection<string> accounts, string except) =>
        Known.Where(p => !string.Equals(p.Key, except, StringComparison.OrdinalIgnoreCase))
            .Where(p => accounts.All(p.Value().Covers))
            .Select(p => p.Key);

    private static SieMapping Build(
        string name, Dictionary<string, int> sales, IEnumerable<string> salesByVat, Dictionary<string, int> vat,
        Dictionary<string, PaymentMethod> payments, string[] adjustments)
    {
        foreach (var account in salesByVat)
        {
            sales.TryAdd(account, SieMapping.RateByVat);
        }

        return new SieMapping { Profile = name, Sales = sales, Vat = vat, Payments = payments, Adjustments = adjustments.ToHashSet(), Settings = new SieAccounts() };
    }

    private static IEnumerable<string> Range(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(a => a.ToString(CultureInfo.InvariantCulture));

    /// <summary>"3320-3360" → 3320 … 3360; "3210" → 3210.</summary>
    private static IEnumerable<string> Expand(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var last) && first <= last && last - first < 10_000)
        {
            return Range(first, last);
        }

        return [text.Trim()];
    }

    private static PaymentMethod ToMethod(string method) => SwedishValues.ParseMethod(method, "Agent:Sie:Payments") switch
    {
        PayMethod.Cash => PaymentMethod.Cash,
        PayMethod.Card => PaymentMethod.Card,
        PayMethod.Swish => PaymentMethod.Swish,
        PayMethod.Invoice => PaymentMethod.Invoice,
        _ => PaymentMethod.Other,
    };
}
