using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Norsjo.Retail.Hub.Exports;

/// <summary>One cell of an export: text, or a number (decimal comma, never neutralised).</summary>
public readonly record struct CsvCell(string Value, bool IsNumber)
{
    public static implicit operator CsvCell(string text) => new(text, false);

    public static CsvCell Number(decimal value, string format = "0.##") => new(value.ToString(format, CsvExport.DecimalComma), true);
}

/// <summary>
/// Every CSV the hub hands out is written here, as Swedish spreadsheets read it: semicolons,
/// decimal comma, CsvHelper's RFC 4180 quoting (a separator, quote or line break in a value cannot
/// shift the columns). Text that a spreadsheet would run as a formula — starting with = + - @, tab
/// or carriage return (OWASP, CSV injection) — is prefixed with an apostrophe and quoted; numbers
/// stay numbers. The pages' own exports follow the same rule (dashboards/src/common/csv.ts).
/// </summary>
public static class CsvExport
{
    /// <summary>The characters that make a spreadsheet read a cell as a formula.</summary>
    public static IReadOnlyList<char> FormulaStarts { get; } = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>Decimal comma with a plain hyphen-minus (sv-SE's U+2212 minus is not read as a number by every spreadsheet).</summary>
    internal static NumberFormatInfo DecimalComma { get; } = new() { NumberDecimalSeparator = ",", NegativeSign = "-" };

    public static string Write(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<CsvCell>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = ";",
            NewLine = "\n",
            // Neutralised here, not by CsvHelper's InjectionOptions, which would also turn negative numbers into text.
            InjectionOptions = InjectionOptions.None,
            ShouldQuote = args => args.Field is ['\'', ..] || ConfigurationFunctions.ShouldQuote(args),
        };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, config))
        {
            foreach (var header in headers)
            {
                csv.WriteField(Neutralise(header));
            }

            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell.IsNumber ? cell.Value : Neutralise(cell.Value));
                }

                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    /// <summary>Text as a spreadsheet shows it and never runs it.</summary>
    public static string Neutralise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && FormulaStarts.Contains(text[0]) ? "'" + text : text;
    }
}
