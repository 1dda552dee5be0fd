using System.Text.Json;
using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>
/// Receipts as JSON lines (*.jsonl), one receipt per line, as documented in agent/README.md. Only
/// the known properties are read; anything else on the line (cashier, customer, card) is skipped
/// unread. Amounts may be JSON numbers or Swedish text ("1 089,50").
/// </summary>
public sealed class JsonLinesReceiptFormat(DeliveryDistances distances) : IFileFormat
{
    public bool Accepts(string fileName) =>
        fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    public FileReadResult Read(byte[] content)
    {
        var lines = SwedishValues.DecodeText(content).Split('\n');
        var receipts = new List<PosReceipt>();
        var errors = new List<LineError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                var receipt = ParseReceipt(json.RootElement);
                var problem = !seen.Add(receipt.ReceiptNumber) ? "receipt_no förekommer mer än en gång i filen."
                    : SwedishValues.CheckReceipt(receipt);
                if (problem is not null)
                {
                    throw new FormatException(problem);
                }

                receipts.Add(receipt);
            }
            catch (JsonException e)
            {
                errors.Add(new LineError(i + 1, $"Raden är inte giltig JSON ({e.Message.Split('.')[0]}).", line));
            }
            catch (FormatException e)
            {
                errors.Add(new LineError(i + 1, e.Message + " Kvittot skickas inte.", line));
            }
        }

        return receipts.Count == 0 && errors.Count == 0
            ? FileReadResult.Unreadable("Filen är tom.")
            : new FileReadResult(receipts, [], errors, null);
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

        return new PosReceipt(number, time, channel, lines, payments, delivery);
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
