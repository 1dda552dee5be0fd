using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>One row of a voucher that counts (#TRANS, or #RTRANS without its copy).</summary>
internal sealed record SieRow(string Account, long Ore, int Line);

/// <summary>A voucher (#VER … { … }) as the file has it: its rows, its lines, and what is wrong with it.</summary>
internal sealed class SieVoucher(int index, string raw, string series, string number, DateOnly? date, string text)
{
    /// <summary>The index (from 0) of its #VER line.</summary>
    public int FirstIndex { get; } = index;

    /// <summary>The index of its last line: its "}", or the line before whatever came instead.</summary>
    public int LastIndex { get; set; } = index;

    public int Line => FirstIndex + 1;

    public string Raw { get; } = raw;

    public string Series { get; } = series;

    public DateOnly? Date { get; } = date;

    public string Text { get; } = text;

    public string Name { get; } = $"{series} {number}".Trim() is { Length: > 0 } name ? name : "utan serie och nummer";

    public List<SieRow> Rows { get; } = [];

    public List<LineError> Problems { get; } = [];

    public long Sum => Rows.Sum(r => r.Ore);
}

/// <summary>What a SIE file holds, read but not yet judged.</summary>
internal sealed class SieDocument
{
    public required string EncodingName { get; init; }

    public string CompanyName { get; set; } = string.Empty;

    public List<SieVoucher> Vouchers { get; } = [];

    /// <summary>Account names from #KONTO, for reports.</summary>
    public Dictionary<string, string> AccountNames { get; } = [];

    /// <summary>Opening and closing balances, results and period balances (#IB, #UB, #RES, #PSALDO …): a bookkeeping export's.</summary>
    public int Balances { get; set; }

    /// <summary>Why the file as a whole cannot be trusted (altered, cut short), or null.</summary>
    public string? FileProblem { get; set; }

    /// <summary>Problems outside any voucher (a row without a voucher, a "}" too many).</summary>
    public List<LineError> LooseErrors { get; } = [];

    /// <summary>The line indexes of the file's own records before its first voucher (#FLAGGA, #SIETYP, #KONTO …), except #KSUMMA.</summary>
    public List<int> HeaderLines { get; } = [];

    public string Describe(string account) =>
        AccountNames.TryGetValue(account, out var name) && name.Length > 0 ? $"{account} ({name})" : account;
}
