using System.Text.Json;
using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>
/// Receipts as JSON lines (*.jsonl), one receipt per line, as documented in agent/README.md. Only
/// the known properties are read; anything else on the line (cashier, customer, card) is skipped
/// unread. Amounts may be JSON numbers or Swedish text ("1 089,50").
/// </summary>
public sealed class JsonLinesReceiptFormat(DeliveryDistances distances) : ILineFormat
{
    public bool Accepts(string fileName) =>
        fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    public bool HasHeader => false;

    public FileReadResult Read(byte[] content) => LineFileReader.ReadAll(this, content);

    public IReceiptLines? Start(string? header, out string? problem)
    {
        problem = null;
        return new Lines(this);
    }

    private sealed record JsonLine(int LineNumber, string Raw, string? Problem, PosReceipt? Receipt)
        : ParsedLine(LineNumber, Raw, LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), Problem);

    private sealed class Lines(JsonLinesReceiptFormat format) : IReceiptLines
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public bool ReceiptPerLine => true;

        public ParsedLine Parse(int lineNumber, string line)
        {
            line = line.Trim();
            try
            {
                using var json = JsonDocument.Parse(line);
                var receipt = format.ParseReceipt(json.RootElement);
                var problem = !_seen.Add(receipt.ReceiptNumber) ? "receipt_no förekommer mer än en gång i filen."
                    : SwedishValues.CheckReceipt(receipt);
                return problem is null ? new JsonLine(lineNumber, line, null, receipt) : new JsonLine(lineNumber, line, problem + " Kvittot skickas inte.", null);
            }
            catch (JsonException e)
            {
                return new JsonLine(lineNumber, line, $"Raden är inte giltig JSON ({e.Message.Split('.')[0]}).", null);
            }
            catch (FormatException e)
            {
                return new JsonLine(lineNumber, line, e.Message + " Kvittot skickas inte.", null);
            }
        }

        public AssembledReceipt Assemble(IReadOnlyList<ParsedLine> lines)
        {
            var line = (JsonLine)lines.Single();
            return line.Receipt is not null ? new AssembledReceipt(line.Receipt, []) : new AssembledReceipt(null, [new LineError(line.LineNumber, line.Problem!, line.Raw)]);
        }
    }

    private PosReceipt ParseReceipt(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Raden ska vara ett JSON-objekt, ett kvitto per rad.");
        }

        var number = Text(root, "receipt_no", required: true);
        var time = SwedishValues.ParseTime(Text(root, "time", required: true));
        var channel = SwedishValues.ParseChannel(Text(root, "channel"));
        var lines = new List<PosLine>();
        foreach (var item in Array(root, "items"))
        {
            var returned = item.TryGetProperty("returned", out var r) && r.ValueKind == JsonValueKind.True;
            var amount = SwedishValues.ParseOre(Text(item, "amount", required: true), "items.amount");
            var quantityText = Text(item, "quantity");
            var quantity = quantityText.Length == 0 ? 1000 : SwedishValues.ParseMilli(quantityText, "items.quantity");
            var category = SwedishValues.ParseCategory(Text(item, "category", required: true), "items.category");
            var vat = SwedishValues.ParseVatPercent(Text(item, "vat_percent", required: true), "items.vat_percent");
            if (!returned && (amount < 0 || quantity < 0))
            {
                throw new FormatException("En såld vara kan inte ha negativt belopp eller antal; ange \"returned\": true.");
            }

            lines.Add(returned
                ? new PosLine(category, vat, -Math.Abs(amount), -Math.Abs(quantity), true)
                : new PosLine(category, vat, amount, quantity, false));
        }

        var payments = Array(root, "payments")
            .Select(p => new PosPayment(SwedishValues.ParseMethod(Text(p, "method", required: true), "payments.method"),
                SwedishValues.ParseOre(Text(p, "amount", required: true), "payments.amount")))
            .ToList();
        PosDelivery? delivery = null;
        if (root.TryGetProperty("delivery", out var d) && d.ValueKind == JsonValueKind.Object)
        {
            var registered = d.TryGetProperty("registered", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean().ToString() : Text(d, "registered");
            delivery = distances.Resolve(Text(d, "household", required: true), Text(d, "locality"), Text(d, "distance_km"), registered);
        }

        // Service transactions (issue 19): {"kind": "kontantuttag", "amount": "500,00"}, the amount only for kontantuttag.
        var services = Array(root, "services")
            .Select(s => ServiceKinds.Read(Text(s, "kind", required: true), Text(s, "amount"), "services.kind", "services.amount"))
            .ToList();
        return new PosReceipt(number, time, channel, lines, payments, delivery) { Services = services };
    }

    private static List<JsonElement> Array(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];

    private static string Text(JsonElement parent, string name, bool required = false)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return required ? throw new FormatException($"{name} saknas.") : string.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new FormatException($"{name} ska vara text eller tal."),
        };
    }
}
