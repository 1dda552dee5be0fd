using System.Text;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Agent.Sources.ExportFolder;
using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>How a growing file is read: complete lines, complete receipts, and a position to go on from.</summary>
public sealed class LineFileReaderTests
{
    private const string Header = "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method";
    private const string Item1 = "1;2026-04-02 10:00:00;in_store;item;dagligvaror;6;10,00;1;";
    private const string Item2 = "2;2026-04-02 10:05:00;in_store;item;dagligvaror;6;20,00;1;";
    private const string Pay2 = "2;2026-04-02 10:05:00;in_store;payment;;;20,00;;kort";
    private const string Item3 = "3;2026-04-02 10:07:00;in_store;item;tobak;25;89,00;1;";

    private static readonly CsvReceiptFormat Format = new(new DeliveryDistances(new Dictionary<string, int>()));

    private static (List<PosReceipt> Receipts, List<LineError> Errors, ReadPosition After) Read(string text, ReadPosition? from, bool finished, bool tentative = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes);
        var header = LineFileReader.ReadHeader(stream, Format, bytes.Length, finished)!.Value;
        var parser = Format.Start(header.Header, out _)!;
        var receipts = new List<PosReceipt>();
        var errors = new List<LineError>();
        var after = LineFileReader.Read(stream, parser, from ?? header.DataStart, bytes.Length, finished, chunk =>
        {
            receipts.AddRange(chunk.Receipts);
            errors.AddRange(chunk.Errors);
            return true;
        }, receiptsPerChunk: 1, tentative: tentative);
        return (receipts, errors, after);
    }

    [Fact]
    public void A_receipt_whose_rows_may_still_be_arriving_waits_and_an_unfinished_line_is_not_read()
    {
        var text = $"{Header}\n{Item1}\n{Item2}\n{Pay2[..10]}";
        var first = Read(text, null, finished: false);
        Assert.Equal(["1"], first.Receipts.Select(r => r.ReceiptNumber));
        Assert.Equal(text.IndexOf(Item2, StringComparison.Ordinal), first.After.Offset);
        Assert.Equal(2, first.After.Line);

        var grown = $"{Header}\n{Item1}\n{Item2}\n{Pay2}\n{Item3}\n";
        var second = Read(grown, first.After, finished: false);
        var receipt = Assert.Single(second.Receipts);
        Assert.Equal(("2", 1), (receipt.ReceiptNumber, receipt.Payments.Count));
        Assert.Empty(second.Errors);
    }

    [Fact]
    public void A_last_receipt_taken_because_the_file_seemed_finished_is_sent_again_whole_when_its_rows_go_on()
    {
        var first = Read($"{Header}\n{Item1}\n{Item2}\n", null, finished: true);
        Assert.Equal(["1", "2"], first.Receipts.Select(r => r.ReceiptNumber));

        var unchanged = Read($"{Header}\n{Item1}\n{Item2}\n", first.After, finished: true);
        Assert.Empty(unchanged.Receipts);

        var second = Read($"{Header}\n{Item1}\n{Item2}\n{Pay2}\n{Item3}\n", first.After, finished: true);
        Assert.Equal(["2", "3"], second.Receipts.Select(r => r.ReceiptNumber));
        Assert.Single(second.Receipts[0].Payments);
    }

    [Fact]
    public void In_a_file_that_may_grow_a_last_receipt_that_does_not_add_up_waits_instead_of_being_reported()
    {
        var halfPaid = $"{Header}\n{Item1}\n{Item2}\n{Item2.Replace("20,00", "5,00", StringComparison.Ordinal)}\n{Pay2}\n";
        var tentative = Read(halfPaid, null, finished: true, tentative: true);
        Assert.Equal(["1"], tentative.Receipts.Select(r => r.ReceiptNumber));
        Assert.Empty(tentative.Errors);

        var finished = Read(halfPaid, null, finished: true);
        Assert.Contains("stämmer inte", Assert.Single(finished.Errors).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_receipt_whose_rows_are_apart_in_the_file_is_reported_not_sent_in_two_parts()
    {
        var result = Read($"{Header}\n{Item1}\n{Item2}\n{Item1}\n", null, finished: true);
        Assert.Equal(["1", "2"], result.Receipts.Select(r => r.ReceiptNumber));
        Assert.Contains("i följd", Assert.Single(result.Errors).Problem, StringComparison.Ordinal);
    }
}
