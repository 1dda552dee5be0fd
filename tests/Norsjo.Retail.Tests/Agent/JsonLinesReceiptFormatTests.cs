using System.Text;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Agent.Sources.ExportFolder;

namespace Norsjo.Retail.Tests.Agent;

public sealed class JsonLinesReceiptFormatTests
{
    private static readonly JsonLinesReceiptFormat Format = new(new DeliveryDistances(new Dictionary<string, int> { ["Kusfors"] = 12_000 }));

    [Fact]
    public void Each_line_is_a_receipt_and_unknown_properties_are_never_read()
    {
        var jsonl = """
            {"receipt_no":"1001","time":"2026-06-01T09:14:32","cashier":"Anna Lindqvist","customer_id":"LOJ-1","items":[{"category":"Dagligvaror","vat_percent":6,"amount":"45,90","quantity":1,"description":"Mjölk till Anna"},{"category":"tobak","vat_percent":"25","amount":89}],"payments":[{"method":"kort","amount":134.90,"card":"************1234"}]}
            {"receipt_no":"1002","time":"2026-06-01 10:00","channel":"home_delivery","items":[{"category":"dagligvaror","vat_percent":6,"amount":"1 200,00"},{"category":"dagligvaror","vat_percent":6,"amount":"20","returned":true}],"delivery":{"household":"Storgatan 1","locality":"Kusfors","name":"Greta"}}
            """;

        var result = Format.Read(Encoding.UTF8.GetBytes(jsonl));

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Receipts.Count);
        Assert.Equal(
            new PosReceipt("1001", new DateTime(2026, 6, 1, 9, 14, 32), SaleChannel.InStore,
                [new PosLine("dagligvaror", 6, 4_590, 1000, false), new PosLine("tobak", 25, 8_900, 1000, false)],
                [new PosPayment(PayMethod.Card, 13_490)]),
            result.Receipts[0] with { Lines = [.. result.Receipts[0].Lines], Payments = [.. result.Receipts[0].Payments] },
            new ReceiptComparer());
        Assert.Equal(new PosDelivery("Storgatan 1", "Kusfors", 12_000), result.Receipts[1].Delivery);
        Assert.Equal(120_000 - 2_000, result.Receipts[1].GoodsOre);
    }

    [Fact]
    public void A_bad_line_is_reported_with_its_number_and_the_others_are_kept()
    {
        var jsonl = string.Join('\n',
            """{"receipt_no":"1","time":"2026-06-01 09:00","items":[{"category":"x","vat_percent":6,"amount":"10,00"}]}""",
            """{"receipt_no":"2","time":"2026-06-01 09:00","items":[{"category":"x","vat_percent":7,"amount":"10,00"}]}""",
            """{"receipt_no":"3", "time": """,
            """{"receipt_no":"4","time":"2026-06-01 09:00","items":[]}""",
            """{"receipt_no":"1","time":"2026-06-01 09:00","items":[{"category":"x","vat_percent":6,"amount":"10,00"}]}""",
            """{"receipt_no":"6","time":"2026-06-01 09:00","items":[{"category":"x","vat_percent":6,"amount":"10,00"}]}""");

        var result = Format.Read(Encoding.UTF8.GetBytes(jsonl));

        Assert.Equal(["1", "6"], result.Receipts.Select(r => r.ReceiptNumber));
        Assert.Equal([2, 3, 4, 5], result.Errors.Select(e => e.LineNumber));
        Assert.Contains("momssats", result.Errors[0].Problem, StringComparison.Ordinal);
        Assert.Contains("JSON", result.Errors[1].Problem, StringComparison.Ordinal);
        Assert.Contains("inga varurader", result.Errors[2].Problem, StringComparison.Ordinal);
        Assert.Contains("mer än en gång", result.Errors[3].Problem, StringComparison.Ordinal);
    }

    private sealed class ReceiptComparer : IEqualityComparer<PosReceipt>
    {
        public bool Equals(PosReceipt? x, PosReceipt? y) =>
            x is not null && y is not null && x.ReceiptNumber == y.ReceiptNumber && x.LocalTime == y.LocalTime && x.Channel == y.Channel
            && x.Lines.SequenceEqual(y.Lines) && x.Payments.SequenceEqual(y.Payments) && x.Delivery == y.Delivery;

        public int GetHashCode(PosReceipt obj) => obj.ReceiptNumber.GetHashCode(StringComparison.Ordinal);
    }
}
