using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>A line of an export that could not be used, with the reason in Swedish for the store owner.</summary>
public sealed record CsvLineError(int LineNumber, string Problem, string RawLine);

public sealed record CsvReadResult(IReadOnlyList<PosReceipt> Receipts, IReadOnlyList<CsvLineError> Errors, string? FileError)
{
    public static CsvReadResult Unreadable(string problem) => new([], [], problem);
}

/// <summary>
/// Reads the receipt export format documented in agent/README.md: one row per item, return or
/// payment, grouped into receipts by receipt number. Columns are found by their header name, so
/// extra columns (cashier, customer, card) are never read at all. Swedish decimal comma accepted.
/// A bad row spoils only its own receipt: the rest of the file is used.
/// </summary>
public static class CsvReceiptReader
{
    private static readonly string[] RequiredColumns = ["receipt_no", "time", "row_type", "amount"];
    private static readonly string[] TimeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"];
    private static readonly HashSet<int> VatRates = [0, 6, 12, 25];

    public static CsvReadResult Read(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = Decode(content);
        var delimiter = text.Split('\n', 2)[0].Contains(';', StringComparison.Ordinal) ? ";" : ",";
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            HasHeaderRecord = true,
            BadDataFound = null,
            IgnoreBlankLines = true,
            TrimOptions = TrimOptions.Trim,
        };
        using var reader = new StringReader(text);
        using var parser = new CsvParser(reader, config);
        if (!parser.Read())
        {
            return CsvReadResult.Unreadable("Filen är tom.");
        }

        var header = parser.Record!.Select((name, index) => (name: name.Trim().ToLowerInvariant(), index))
            .GroupBy(c => c.name).ToDictionary(g => g.Key, g => g.First().index);
        var missing = RequiredColumns.Where(c => !header.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            return CsvReadResult.Unreadable(
                $"Rubrikraden saknar kolumnerna {string.Join(", ", missing)} (krävs: {string.Join(", ", RequiredColumns)}).");
        }

        var rows = new List<(int Line, string Raw, string ReceiptNo, ParsedRow? Row, string? Problem)>();
        while (parser.Read())
        {
            var record = parser.Record!;
            string Field(string column) =>
                header.TryGetValue(column, out var i) && i < record.Length ? record[i].Trim() : string.Empty;
            var receiptNo = Field("receipt_no");
            var raw = parser.RawRecord.TrimEnd('\r', '\n');
            try
            {
                rows.Add((parser.RawRow, raw, receiptNo, ParseRow(Field), null));
            }
            catch (FormatException e)
            {
                rows.Add((parser.RawRow, raw, receiptNo, null, e.Message));
            }
        }

        var receipts = new List<PosReceipt>();
        var errors = new List<CsvLineError>();
        foreach (var receipt in rows.GroupBy(r => r.ReceiptNo))
        {
            var bad = receipt.Where(r => r.Problem is not null).ToList();
            if (receipt.Key.Length == 0)
            {
                errors.AddRange(receipt.Select(r => new CsvLineError(r.Line, r.Problem ?? "receipt_no saknas.", r.Raw)));
                continue;
            }

            var problem = bad.Count > 0 ? null : CheckReceipt(receipt.Select(r => r.Row!).ToList());
            if (bad.Count > 0 || problem is not null)
            {
                var note = $" Kvitto {receipt.Key} skickas inte.";
                errors.AddRange(bad.Count > 0
                    ? bad.Select(r => new CsvLineError(r.Line, r.Problem + note, r.Raw))
                    : receipt.Take(1).Select(r => new CsvLineError(r.Line, problem + note, r.Raw)));
                continue;
            }

            var parsed = receipt.Select(r => r.Row!).ToList();
            receipts.Add(new PosReceipt(
                receipt.Key,
                parsed[0].Time,
                parsed[0].Channel,
                parsed.Where(r => r.Line is not null).Select(r => r.Line!).ToList(),
                parsed.Where(r => r.Payment is not null).Select(r => r.Payment!).ToList()));
        }

        return new CsvReadResult(receipts, errors.OrderBy(e => e.LineNumber).ToList(), null);
    }

    private sealed record ParsedRow(DateTime Time, SaleChannel Channel, PosLine? Line, PosPayment? Payment);

    private static ParsedRow ParseRow(Func<string, string> field)
    {
        var time = ParseTime(field("time"));
        var channel = ParseChannel(field("channel"));
        var amount = ParseOre(field("amount"), "amount");
        switch (field("row_type").ToLowerInvariant())
        {
            case "item":
            case "return":
                var returned = field("row_type").Equals("return", StringComparison.OrdinalIgnoreCase);
                var category = field("category").ToLowerInvariant();
                if (category.Length == 0)
                {
                    throw new FormatException("category saknas för en vara.");
                }

                var vatText = field("vat_percent");
                if (!int.TryParse(vatText.TrimEnd('%', ' '), NumberStyles.None, CultureInfo.InvariantCulture, out var vat) || !VatRates.Contains(vat))
                {
                    throw new FormatException($"vat_percent \"{vatText}\" är ingen svensk momssats (25, 12, 6 eller 0).");
                }

                var quantityText = field("quantity");
                var quantity = quantityText.Length == 0 ? 1000 : ParseMilli(quantityText, "quantity");
                if (!returned && (amount < 0 || quantity < 0))
                {
                    throw new FormatException("En såld vara kan inte ha negativt belopp eller antal; använd row_type return.");
                }

                // Returns may be exported with either sign; they are stored as money going back.
                return returned
                    ? new ParsedRow(time, channel, new PosLine(category, vat, -Math.Abs(amount), -Math.Abs(quantity), true), null)
                    : new ParsedRow(time, channel, new PosLine(category, vat, amount, quantity, false), null);
            case "payment":
                return new ParsedRow(time, channel, null, new PosPayment(ParseMethod(field("payment_method")), amount));
            default:
                throw new FormatException($"row_type \"{field("row_type")}\" är okänd (item, return eller payment).");
        }
    }

    private static string? CheckReceipt(IReadOnlyList<ParsedRow> rows)
    {
        if (!rows.Any(r => r.Line is not null))
        {
            return "Kvittot har inga varurader.";
        }

        if (rows.Select(r => r.Time).Distinct().Count() > 1)
        {
            return "Kvittots rader har olika tider.";
        }

        var goods = rows.Where(r => r.Line is not null).Sum(r => r.Line!.GrossOre);
        var paid = rows.Where(r => r.Payment is not null).Sum(r => r.Payment!.AmountOre);
        return rows.Any(r => r.Payment is not null) && goods != paid
            ? $"Betalningarna ({Kronor(paid)}) stämmer inte med varorna ({Kronor(goods)})."
            : null;
    }

    private static DateTime ParseTime(string text) =>
        DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"time \"{text}\" är ingen tid (ÅÅÅÅ-MM-DD TT:MM[:SS]).");

    private static SaleChannel ParseChannel(string text) => text.ToLowerInvariant() switch
    {
        "" or "in_store" or "butik" => SaleChannel.InStore,
        "home_delivery" or "hemsandning" or "hemsändning" => SaleChannel.HomeDelivery,
        "click_and_collect" => SaleChannel.ClickAndCollect,
        _ => throw new FormatException($"channel \"{text}\" är okänd (in_store, home_delivery eller click_and_collect)."),
    };

    private static PayMethod ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "cash" or "kontant" or "kontanter" => PayMethod.Cash,
        "card" or "kort" => PayMethod.Card,
        "swish" => PayMethod.Swish,
        "invoice" or "faktura" => PayMethod.Invoice,
        "other" or "annat" or "ovrigt" or "övrigt" => PayMethod.Other,
        _ => throw new FormatException($"payment_method \"{text}\" är okänt (cash, card, swish, invoice eller other)."),
    };

    /// <summary>Kronor with decimal comma or point and optional space as thousands separator, to whole öre.</summary>
    public static long ParseOre(string text, string column) => ParseScaled(text, column, "ett belopp i kronor", 100, "två");

    private static long ParseMilli(string text, string column) => ParseScaled(text, column, "ett antal", 1000, "tre");

    private static long ParseScaled(string text, string column, string what, int scale, string decimals)
    {
        var scaled = ParseDecimal(text, column, what) * scale;
        return scaled == decimal.Truncate(scaled)
            ? (long)scaled
            : throw new FormatException($"{column} \"{text}\" har fler än {decimals} decimaler.");
    }

    private static decimal ParseDecimal(string text, string column, string what)
    {
        var normalised = text.Replace(" ", string.Empty, StringComparison.Ordinal)
            .Replace("\u00a0", string.Empty, StringComparison.Ordinal)
            .Replace("\u202f", string.Empty, StringComparison.Ordinal)
            .Replace("kr", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace('\u2212', '-') // the minus sign Swedish number formatting writes
            .Replace(',', '.');
        if (normalised.Length == 0
            || !decimal.TryParse(normalised, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || Math.Abs(value) > 100_000_000m)
        {
            throw new FormatException($"{column} \"{text}\" är inte {what}.");
        }

        return value;
    }

    private static string Kronor(long ore) => (ore / 100m).ToString("N2", CultureInfo.GetCultureInfo("sv-SE")) + " kr";

    /// <summary>UTF-8 as most tills write today; Latin-1 for older ones that cannot.</summary>
    private static string Decode(byte[] content)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(content);
        }
    }
}
