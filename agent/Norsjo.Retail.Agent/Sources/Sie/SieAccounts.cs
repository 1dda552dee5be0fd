namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>
/// Which accounts of the till's bookkeeping mean what (Agent:Sie). The defaults are BAS: sales at
/// 25/12/6 % on 3001/3002/3003 (and 3051–3053 as some vendors use), output VAT on 2611/2621/2631,
/// cash 1910, bank 1930 (Swish), card receivables 1580. Vendors differ; set what yours uses.
/// </summary>
public sealed class SieAccounts
{
    /// <summary>Sales account → VAT rate in percent.</summary>
    public Dictionary<string, int> Sales { get; set; } = [];

    /// <summary>Output VAT account → VAT rate in percent.</summary>
    public Dictionary<string, int> Vat { get; set; } = [];

    /// <summary>Account → payment method (cash, card, swish, invoice, other).</summary>
    public Dictionary<string, string> Payments { get; set; } = [];

    public static SieAccounts Bas() => new SieAccounts().WithBasDefaults();

    /// <summary>Fills in BAS where the configuration says nothing.</summary>
    public SieAccounts WithBasDefaults()
    {
        if (Sales.Count == 0)
        {
            Sales = new() { ["3001"] = 25, ["3002"] = 12, ["3003"] = 6, ["3051"] = 25, ["3052"] = 12, ["3053"] = 6 };
        }

        if (Vat.Count == 0)
        {
            Vat = new() { ["2611"] = 25, ["2621"] = 12, ["2631"] = 6 };
        }

        if (Payments.Count == 0)
        {
            Payments = new() { ["1910"] = "cash", ["1930"] = "swish", ["1580"] = "card" };
        }

        return this;
    }
}
