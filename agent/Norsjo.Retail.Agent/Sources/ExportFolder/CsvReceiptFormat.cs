using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>
/// The receipt CSV documented in agent/README.md: one row per item, return, payment or delivery,
/// grouped into receipts by receipt number. Columns are found by their header name, so other
/// columns (cashier, customer, card) are never read at all. A bad row spoils only its own receipt.
/// </summary>
public sealed class CsvReceiptFormat(DeliveryDistances distances) : IFileFormat
{
    private static readonly string[] RequiredColumns = ["receipt_no", "time", "row_type", "amount"];

    public bool Accepts(string fileName) => fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    public FileReadResult Read(byte[] content)
    {
        var text = SwedishValues.DecodeText(content);
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
            return FileReadResult.Unreadable("Filen är tom.");
        }

        var header = parser.Record!.Select((name, index) => (name: name.Trim().ToLowerInvariant(), index))
            .GroupBy(c => c.name).ToDictionary(g => g.Key, g => g.First().index);
        var missing = RequiredColumns.Where(c => !header.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            return FileReadResult.Unreadable(
                $"Rubrikraden saknar kolumnerna {string.Join(", ", missing)} (krävs: {string.Join(", ", RequiredColumns)}).");
        }

        var rows = new List<(int Line, string Raw, string ReceiptNo, Row? Row, string? Problem)>();
        while (parser.Read())
        {
            var record = parser.Record!;
            string Field(string column) =>
                header.TryGetValue(column, out var i) && i < record.Length ? record[i].Trim() : string.Empty;
            var raw = parser.RawRecord.TrimEnd('\r', '\n');
            try
            {
                rows.Add((parser.RawRow, raw, Field("receipt_no"), ParseRow(Field), null));
            }
            catch (FormatException e)
            {
                rows.Add((parser.RawRow, raw, Field("receipt_no"), null, e.Message));
            }
        }

        if (rows.Count == 0)
        {
            return FileReadResult.Unreadable("Filen har inga rader efter rubrikraden.");
        }

        var receipts = new List<PosReceipt>();
        var errors = new List<LineError>();
        foreach (var receipt in rows.GroupBy(r => r.ReceiptNo))
        {
            if (receipt.Key.Length == 0)
            {
                errors.AddRange(receipt.Select(r => new LineError(r.Line, r.Problem ?? "receipt_no saknas.", r.Raw)));
                continue;
            }

            var bad = receipt.Where(r => r.Problem is not null).ToList();
            var note = $" Kvitto {receipt.Key} skickas inte.";
            if (bad.Count > 0)
            {
                errors.AddRange(bad.Select(r => new LineError(r.Line, r.Problem + note, r.Raw)));
                continue;
            }

            var parsed = receipt.Select(r => r.Row!).ToList();
            var deliveries = parsed.Where(r => r.Delivery is not null).Select(r => r.Delivery).ToList();
            var assembled = new PosReceipt(
                receipt.Key, parsed[0].Time, parsed[0].Channel,
                parsed.Where(r => r.Line is not null).Select(r => r.Line!).ToList(),
                parsed.Where(r => r.Payment is not null).Select(r => r.Payment!).ToList(),
                deliveries.FirstOrDefault());
            var problem = parsed.Select(r => r.Time).Distinct().Count() > 1 ? "Kvittots rader har olika tider."
                : deliveries.Count > 1 ? "Kvittot har mer än en leveransrad."
                : SwedishValues.CheckReceipt(assembled);
            if (problem is not null)
            {
                var first = receipt.First();
                errors.Add(new LineError(first.Line, problem + note, first.Raw));
                continue;
            }

            receipts.Add(assembled);
        }

        return new FileReadResult(receipts, [], errors.OrderBy(e => e.LineNumber).ToList(), null);
    }

    private sealed record Row(DateTime Time, SaleChannel Channel, PosLine? Line = null, PosPayment? Payment = null, PosDelivery? Delivery = null);

    private Row ParseRow(Func<string, string> field)
    {
        var time = SwedishValues.ParseTime(field("time"));
        var channel = SwedishValues.ParseChannel(field("channel"));
        var type = field("row_type").ToLowerInvariant();
        switch (type)
        {
            case "item":
            case "return":
                var returned = type == "return";
                var amount = SwedishValues.ParseOre(field("amount"), "amount");
                var category = SwedishValues.ParseCategory(field("category"));

                var vat = SwedishValues.ParseVatPercent(field("vat_percent"));
                var quantityText = field("quantity");
                var quantity = quantityText.Length == 0 ? 1000 : SwedishValues.ParseMilli(quantityText, "quantity");
                if (!returned && (amount < 0 || quantity < 0))
                {
                    throw new FormatException("En såld vara kan inte ha negativt belopp eller antal; använd row_type return.");
                }

                // Returns may be exported with either sign; they are stored as money going back.
                return returned
                    ? new Row(time, channel, Line: new PosLine(category, vat, -Math.Abs(amount), -Math.Abs(quantity), true))
                    : new Row(time, channel, Line: new PosLine(category, vat, amount, quantity, false));
            case "payment":
                return new Row(time, channel, Payment: new PosPayment(SwedishValues.ParseMethod(field("payment_method")), SwedishValues.ParseOre(field("amount"), "amount")));
            case "delivery":
                return new Row(time, channel, Delivery: distances.Resolve(field("household"), field("locality"), field("distance_km"), field("registered")));
            default:
                throw new FormatException($"row_type \"{field("row_type")}\" är okänd (item, return, payment eller delivery).");
        }
    }
}
