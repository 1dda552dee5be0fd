using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>
/// The receipt CSV documented in agent/README.md: one row per item, return, payment or delivery,
/// grouped into receipts by receipt number. Columns are found by their header name, so other
/// columns (cashier, customer, card) are never read at all. A bad row spoils only its own receipt.
/// Read line by line (<see cref="LineFileReader"/>): a receipt's rows follow one another.
/// </summary>
public sealed class CsvReceiptFormat(DeliveryDistances distances) : ILineFormat
{
    private static readonly string[] RequiredColumns = ["receipt_no", "time", "row_type", "amount"];

    public bool Accepts(string fileName) => fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    public bool HasHeader => true;

    public FileReadResult Read(byte[] content) => LineFileReader.ReadAll(this, content);

    public IReceiptLines? Start(string? header, out string? problem)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            problem = "Filen är tom.";
            return null;
        }

        var delimiter = header.Contains(';', StringComparison.Ordinal) ? ';' : ',';
        var columns = CsvFields.Split(header, delimiter).Select((name, index) => (name: name.ToLowerInvariant(), index))
            .GroupBy(c => c.name).ToDictionary(g => g.Key, g => g.First().index);
        var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            problem = $"Rubrikraden saknar kolumnerna {string.Join(", ", missing)} (krävs: {string.Join(", ", RequiredColumns)}).";
            return null;
        }

        problem = null;
        return new Lines(this, columns, delimiter);
    }

    private sealed record CsvLine(int LineNumber, string Raw, string ReceiptKey, string? Problem, Row? Row) : ParsedLine(LineNumber, Raw, ReceiptKey, Problem);

    private sealed class Lines(CsvReceiptFormat format, Dictionary<string, int> columns, char delimiter) : IReceiptLines
    {
        public bool ReceiptPerLine => false;

        public ParsedLine Parse(int lineNumber, string line)
        {
            var fields = CsvFields.Split(line, delimiter);
            string Field(string column) => columns.TryGetValue(column, out var i) && i < fields.Count ? fields[i] : string.Empty;
            var raw = line.TrimEnd('\r', '\n');
            try
            {
                return new CsvLine(lineNumber, raw, Field("receipt_no"), null, format.ParseRow(Field));
            }
            catch (FormatException e)
            {
                return new CsvLine(lineNumber, raw, Field("receipt_no"), e.Message, null);
            }
        }

        public AssembledReceipt Assemble(IReadOnlyList<ParsedLine> lines)
        {
            var receipt = lines.Cast<CsvLine>().ToList();
            var key = receipt[0].ReceiptKey;
            if (key.Length == 0)
            {
                return new AssembledReceipt(null, [.. receipt.Select(r => new LineError(r.LineNumber, r.Problem ?? "receipt_no saknas.", r.Raw))]);
            }

            var bad = receipt.Where(r => r.Problem is not null).ToList();
            var note = $" Kvitto {key} skickas inte.";
            if (bad.Count > 0)
            {
                return new AssembledReceipt(null, [.. bad.Select(r => new LineError(r.LineNumber, r.Problem + note, r.Raw))]);
            }

            var parsed = receipt.Select(r => r.Row!).ToList();
            var deliveries = parsed.Where(r => r.Delivery is not null).Select(r => r.Delivery).ToList();
            var assembled = new PosReceipt(
                key, parsed[0].Time, parsed[0].Channel,
                parsed.Where(r => r.Line is not null).Select(r => r.Line!).ToList(),
                parsed.Where(r => r.Payment is not null).Select(r => r.Payment!).ToList(),
                deliveries.FirstOrDefault())
            {
                Services = [.. parsed.Where(r => r.Service is not null).Select(r => r.Service!)],
            };
            var problem = parsed.Select(r => r.Time).Distinct().Count() > 1 ? "Kvittots rader har olika tider."
                : deliveries.Count > 1 ? "Kvittot har mer än en leveransrad."
                : SwedishValues.CheckReceipt(assembled);
            return problem is null
                ? new AssembledReceipt(assembled, [])
                : new AssembledReceipt(null, [new LineError(receipt[0].LineNumber, problem + note, receipt[0].Raw)]);
        }
    }

    private sealed record Row(DateTime Time, SaleChannel Channel, PosLine? Line = null, PosPayment? Payment = null, PosDelivery? Delivery = null, ServiceTransaction? Service = null);

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
            case "service":
                // A service transaction (issue 19): the kind in the column "service", the amount only for kontantuttag.
                return new Row(time, channel, Service: ServiceKinds.Read(field("service"), field("amount"), "service", "amount"));
            default:
                throw new FormatException($"row_type \"{field("row_type")}\" är okänd (item, return, payment, delivery eller service).");
        }
    }
}
