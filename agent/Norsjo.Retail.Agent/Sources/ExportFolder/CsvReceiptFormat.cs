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

    private sealed class Lines : IReceiptLines
    {
        private readonly CsvReceiptFormat _format;
        private readonly Dictionary<string, int> _columns;
        private readonly char _delimiter;

        /// <summary>The current row's fields, reused from row to row (<see cref="CsvFields.SplitInto"/>): a row is parsed before the next is split.</summary>
        private readonly string[] _fields;
        private readonly Func<string, string> _field;

        public Lines(CsvReceiptFormat format, Dictionary<string, int> columns, char delimiter)
        {
            (_format, _columns, _delimiter) = (format, columns, delimiter);
            _fields = new string[columns.Values.Max() + 1];
            Array.Fill(_fields, string.Empty);
            _field = Field;
        }

        public bool ReceiptPerLine => false;

        public ParsedLine Parse(int lineNumber, string line)
        {
            CsvFields.SplitInto(line, _delimiter, _fields);
            var raw = line.TrimEnd('\r', '\n');
            try
            {
                return new CsvLine(lineNumber, raw, Field("receipt_no"), null, _format.ParseRow(_field));
            }
            catch (FormatException e)
            {
                return new CsvLine(lineNumber, raw, Field("receipt_no"), e.Message, null);
            }
        }

        public AssembledReceipt Assemble(IReadOnlyList<ParsedLine> lines)
        {
            var first = (CsvLine)lines[0];
            var key = first.ReceiptKey;
            if (key.Length == 0)
            {
                return new AssembledReceipt(null, [.. lines.Select(r => new LineError(r.LineNumber, r.Problem ?? "receipt_no saknas.", r.Raw))]);
            }

            if (lines.Any(r => r.Problem is not null))
            {
                var note = $" Kvitto {key} skickas inte.";
                return new AssembledReceipt(null, [.. lines.Where(r => r.Problem is not null).Select(r => new LineError(r.LineNumber, r.Problem + note, r.Raw))]);
            }

            // One pass over the rows (a burst assembles a receipt every few microseconds).
            var items = new List<PosLine>(lines.Count);
            var payments = new List<PosPayment>(2);
            List<ServiceTransaction>? services = null;
            PosDelivery? delivery = null;
            var deliveries = 0;
            var oneTime = true;
            var time = first.Row!.Time;
            foreach (var parsed in lines)
            {
                var row = ((CsvLine)parsed).Row!;
                oneTime &= row.Time == time;
                if (row.Line is not null)
                {
                    items.Add(row.Line);
                }

                if (row.Payment is not null)
                {
                    payments.Add(row.Payment);
                }

                if (row.Delivery is not null)
                {
                    delivery ??= row.Delivery;
                    deliveries++;
                }

                if (row.Service is not null)
                {
                    (services ??= []).Add(row.Service);
                }
            }

            var assembled = new PosReceipt(key, time, first.Row.Channel, items, payments, delivery)
            {
                Services = services is null ? [] : services,
            };
            var problem = !oneTime ? "Kvittots rader har olika tider."
                : deliveries > 1 ? "Kvittot har mer än en leveransrad."
                : SwedishValues.CheckReceipt(assembled);
            return problem is null
                ? new AssembledReceipt(assembled, [])
                : new AssembledReceipt(null, [new LineError(first.LineNumber, problem + $" Kvitto {key} skickas inte.", first.Raw)]);
        }

        private string Field(string column) => _columns.TryGetValue(column, out var i) ? _fields[i] : string.Empty;
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
