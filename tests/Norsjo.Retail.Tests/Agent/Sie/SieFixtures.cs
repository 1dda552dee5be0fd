using System.Text;
using Microsoft.Extensions.Configuration;
using Norsjo.Retail.Agent.Sources.Sie;

namespace Norsjo.Retail.Tests.Agent.Sie;

/// <summary>
/// SIE files written for the tests in each vendor's layout, from the facts of issue #16 (no
/// third-party file is copied): ES Kassasystem-style Z-reports (sales on 3210 and 3320–3360, VAT on
/// 2610/2620, card 1932, Swish 1925), a till on 3010/3020 with VAT on 2610/2621, and a company's
/// whole bookkeeping year.
/// </summary>
internal static class SieFixtures
{
    static SieFixtures() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Cp437 => Encoding.GetEncoding(437);

    /// <summary>Agent:Sie settings as a shop writes them (bound like the agent binds its configuration).</summary>
    public static SieAccounts Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))
            .Build()
            .Get<SieAccounts>() ?? new SieAccounts();

    public const string Header = """
        #FLAGGA 0
        #FORMAT PC8
        #SIETYP 4
        #PROGRAM "Kassa" 7.1
        #GEN 20260308
        #FNAMN "Björks lanthandel i Kusfors"
        """;

    /// <summary>One ES-style Z-report voucher: 25 % on 3210 and 3340, 12 % on 3320 and 3330, öresavrundning on 3740.</summary>
    public static string EsZReport(int number, string date, decimal scale = 1m) => $"""
        #VER "K" "{number}" {date} "Z-rapport {number}"
        {"{"}
        #TRANS 1910 {"{}"} {K((3300m * scale) + 0.40m)}
        #TRANS 1932 {"{}"} {K(17000m * scale)}
        #TRANS 1925 {"{}"} {K(4000m * scale)}
        #TRANS 3210 {"{}"} {K(-4000m * scale)}
        #TRANS 3320 {"{}"} {K(-10000m * scale)}
        #TRANS 3330 {"{}"} {K(-5000m * scale)}
        #TRANS 3340 {"{}"} {K(-2000m * scale)}
        #TRANS 2610 {"{}"} {K(-1500m * scale)}
        #TRANS 2620 {"{}"} {K(-1800m * scale)}
        #TRANS 3740 {"{}"} -0.40
        {"}"}
        """;

    /// <summary>Three days of ES-style Z-reports (5–7 March 2026), the middle one twice as big.</summary>
    public static string EsFile() => string.Join('\n', Header,
        "#KONTO 3210 \"Försäljning varor 25%\"", "#KONTO 3320 \"Livsmedel\"", "#KONTO 1932 \"Kortinbetalningar\"", "#KONTO 1925 \"Swish\"",
        EsZReport(412, "20260305"), EsZReport(413, "20260306", 2m), EsZReport(414, "20260307")) + "\n";

    /// <summary>A till's day on 3010 (25 %) and 3020 (12 %), VAT on 2610 and 2621.</summary>
    public const string Kassa3010File = """
        #FLAGGA 0
        #SIETYP 4
        #FNAMN "Affärn i Bastuträsk"
        #VER A 88 20260210 "Dagsavslut"
        {
        #TRANS 1910 {} 558.00
        #TRANS 1580 {} 1000.00
        #TRANS 3010 {} -400.00
        #TRANS 2610 {} -100.00
        #TRANS 3020 {} -944.64
        #TRANS 2621 {} -113.36
        }

        """;

    /// <summary>A company's bookkeeping: balances, an invoice on 1510, its payment on 1930, a salary from 1910, and one day's till.</summary>
    public const string BookkeepingYear = """
        #FLAGGA 0
        #SIETYP 4
        #FNAMN "Lanthandel AB"
        #RAR 0 20260101 20261231
        #IB 0 1910 12000.00
        #IB 0 1930 250000.00
        #UB 0 1930 310000.00
        #RES 0 3001 -1500000.00
        #VER A 1 20260115 "Kundfaktura 1001"
        {
        #TRANS 1510 {} 12500.00
        #TRANS 3001 {} -10000.00
        #TRANS 2611 {} -2500.00
        }
        #VER A 2 20260210 "Inbetalning faktura 1001"
        {
        #TRANS 1930 {} 12500.00
        #TRANS 1510 {} -12500.00
        }
        #VER A 3 20260225 "Lön januari"
        {
        #TRANS 7010 {} 30000.00
        #TRANS 2710 {} -9000.00
        #TRANS 1910 {} -21000.00
        }
        #VER K 1 20260226 "Dagskassa 26 feb"
        {
        #TRANS 1910 {} 1120.00
        #TRANS 3002 {} -1000.00
        #TRANS 2621 {} -120.00
        }

        """;

    /// <summary>SIE amount text: "1234.50".</summary>
    public static string K(decimal kronor) => kronor.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A file with #KSUMMA, written from its records' fields, its checksum computed here bit by bit
    /// (not by the agent's code): label and fields, without quotes, braces, spaces or line ends.
    /// </summary>
    public static byte[] WithChecksum(IReadOnlyList<string[]> records, Encoding encoding, Func<uint, uint>? tamper = null)
    {
        var crc = 0xFFFFFFFFu;
        var text = new StringBuilder("#KSUMMA\n");
        foreach (var record in records)
        {
            text.Append(string.Join(' ', record.Select(Quote))).Append('\n');
            if (record[0] is "{" or "}")
            {
                continue;
            }

            foreach (var field in record)
            {
                var content = field.StartsWith('{')
                    ? new string(field.Where(c => c is not ('{' or '}' or '"' or ' ')).ToArray())
                    : field;
                foreach (var b in encoding.GetBytes(content))
                {
                    crc ^= b;
                    for (var bit = 0; bit < 8; bit++)
                    {
                        crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                    }
                }
            }
        }

        var sum = ~crc;
        text.Append("#KSUMMA ").Append(tamper?.Invoke(sum) ?? sum).Append('\n');
        return encoding.GetBytes(text.ToString());
    }

    private static string Quote(string field) =>
        !field.StartsWith('{') && (field.Length == 0 || field.Contains(' ', StringComparison.Ordinal)) ? $"\"{field}\"" : field;
}
