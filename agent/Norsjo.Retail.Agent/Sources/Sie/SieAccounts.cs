namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>
/// How the shop's SIE files are read (Agent:Sie): a named vendor profile (<see cref="SieProfiles"/>;
/// BAS unless set) and, on top of it, the shop's own accounts, which win over the profile's. The
/// checks every file must pass have their tolerances here too.
/// </summary>
public sealed class SieAccounts
{
    /// <summary>The vendor profile: "bas", "kassa-3010" or "es-kassasystem" (see agent/README.md, "Which profile fits").</summary>
    public string Profile { get; set; } = SieProfiles.Bas;

    /// <summary>Sales account → VAT rate in percent (added to the profile's, or replacing its rate).</summary>
    public Dictionary<string, int> Sales { get; set; } = [];

    /// <summary>Sales accounts, or ranges such as "3320-3360", whose VAT rate follows from the voucher's VAT rows.</summary>
    public List<string> SalesByVat { get; set; } = [];

    /// <summary>Output VAT account → VAT rate in percent.</summary>
    public Dictionary<string, int> Vat { get; set; } = [];

    /// <summary>Account → payment method (cash, card, swish, invoice, other).</summary>
    public Dictionary<string, string> Payments { get; set; } = [];

    /// <summary>Accounts that are part of a day's balance but no sale (öresavrundning, kassadifferens), besides the profile's.</summary>
    public List<string> Adjustments { get; set; } = [];

    /// <summary>Read a whole bookkeeping export (balances, invoices, salaries) and count only its Z-report vouchers, instead of refusing it.</summary>
    public bool AcceptBookkeeping { get; set; }

    /// <summary>The voucher series the till's Z-reports are booked in (e.g. "K"); empty: recognised by text and shape.</summary>
    public string? ZReportSeries { get; set; }

    /// <summary>How far a day's payments may be from its sales, in öre, before the day is held back.</summary>
    public long PaymentsToleranceOre { get; set; } = 100;

    /// <summary>How far a rate's VAT may be from rate × net, in öre (plus 0.1 % of the VAT), before the day is held back.</summary>
    public long VatToleranceOre { get; set; } = 100;

    /// <summary>BAS, as the agent reads SIE files when nothing is set.</summary>
    public static SieAccounts Bas() => new();

    /// <summary>The profile with this configuration's own accounts on top: what the reader uses.</summary>
    public SieMapping Resolve() => SieProfiles.Resolve(this);
}
