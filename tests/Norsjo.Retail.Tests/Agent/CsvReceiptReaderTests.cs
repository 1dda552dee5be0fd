using System.Text;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Agent.Sources.ExportFolder;
using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Tests.Agent;

public sealed class CsvReceiptReaderTests
{
    private const string Header = "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method;cashier";

    private static readonly CsvReceiptFormat Format = new(new DeliveryDistances(new Dictionary<string, int> { ["Kusfors"] = 12_000 }));

    private static FileReadResult Read(params string[] lines) =>
        Format.Read(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));

    [Fact]
    public void Rows_become_receipts_with_decimal_comma_returns_and_payments()
    {
        var result = Read(
            Header,
            "7;2026-04-02 17:45:10;in_store;item;Dagligvaror;6;1 234,50;2;;Anna",
            "7;2026-04-02 17:45:10;in_store;item;tobak;25;89.00;1;;Anna",
            "7;2026-04-02 17:45:10;in_store;return;dagligvaror;6;-20,00;1;;Anna",
            "7;2026-04-02 17:45:10;in_store;payment;;;1303,50;;kort;Anna");

        Assert.Null(result.FileError);
        Assert.Empty(result.Errors);
        var receipt = Assert.Single(result.Receipts);
        Assert.Equal("7", receipt.ReceiptNumber);
        Assert.Equal(new DateTime(2026, 4, 2, 17, 45, 10), receipt.LocalTime);
        Assert.Equal(
            [
                new PosLine("dagligvaror", 6, 123_450, 2000, false),
                new PosLine("tobak", 25, 8_900, 1000, false),
                new PosLine("dagligvaror", 6, -2_000, -1000, true),
            ],
            receipt.Lines);
        Assert.Equal([new PosPayment(PayMethod.Card, 130_350)], receipt.Payments);
    }

    [Fact]
    public void Columns_are_found_by_name_in_any_order_and_comma_separated_files_work()
    {
        var result = Read(
            "amount,row_type,time,receipt_no,vat_percent,category,payment_method,customer_id",
            "\"12,50\",item,2026-01-10T08:01,A-1,12,dagligvaror,,LOJ-1",
            "\"12,50\",payment,2026-01-10T08:01,A-1,,,swish,LOJ-1");

        var receipt = Assert.Single(result.Receipts);
        Assert.Equal(1250, receipt.Lines.Single().GrossOre);
        Assert.Equal(PayMethod.Swish, receipt.Payments.Single().Method);
        Assert.Equal(SaleChannel.InStore, receipt.Channel);
    }

    [Fact]
    public void A_bad_row_spoils_only_its_own_receipt_and_names_its_line()
    {
        var result = Read(
            Header,
            "1;2026-04-02 10:00:00;in_store;item;dagligvaror;6;10,00;1;;A",
            "2;2026-04-02 10:05:00;in_store;item;dagligvaror;19;10,00;1;;A",
            "3;2026-04-02 10:06:00;in_store;item;dagligvaror;6;10,005;1;;A",
            "4;not a time;in_store;item;dagligvaror;6;10,00;1;;A",
            "5;2026-04-02 10:08:00;in_store;sale;dagligvaror;6;10,00;1;;A",
            "6;2026-04-02 10:09:00;in_store;item;dagligvaror;6;10,00;1;;A",
            "6;2026-04-02 10:09:00;in_store;payment;;;11,00;;cash;A",
            "7;2026-04-02 10:10:00;in_store;item;;6;10,00;1;;A",
            "8;2026-04-02 10:11:00;in_store;item;dagligvaror;6;10,00;1;;A");

        Assert.Equal(["1", "8"], result.Receipts.Select(r => r.ReceiptNumber));
        Assert.Equal([3, 4, 5, 6, 7, 9], result.Errors.Select(e => e.LineNumber));
        Assert.Contains("vat_percent \"19\"", result.Errors[0].Problem, StringComparison.Ordinal);
        Assert.Contains("fler än två decimaler", result.Errors[1].Problem, StringComparison.Ordinal);
        Assert.Contains("time \"not a time\"", result.Errors[2].Problem, StringComparison.Ordinal);
        Assert.Contains("row_type \"sale\"", result.Errors[3].Problem, StringComparison.Ordinal);
        Assert.Contains("stämmer inte", result.Errors[4].Problem, StringComparison.Ordinal);
        Assert.Contains("category saknas", result.Errors[5].Problem, StringComparison.Ordinal);
        Assert.All(result.Errors, e => Assert.Contains("skickas inte", e.Problem, StringComparison.Ordinal));
        Assert.Equal("3;2026-04-02 10:06:00;in_store;item;dagligvaror;6;10,005;1;;A", result.Errors[1].RawLine);
    }

    [Fact]
    public void A_file_without_the_required_columns_is_refused_as_a_whole()
    {
        var result = Read("kvitto;tid;belopp", "1;2026-04-02 10:00;10,00");
        Assert.Empty(result.Receipts);
        Assert.Contains("receipt_no", result.FileError!, StringComparison.Ordinal);
        Assert.Contains("row_type", result.FileError!, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused_with_a_reason() =>
        Assert.Equal("Filen är tom.", Format.Read([]).FileError);

    [Fact]
    public void A_Latin1_export_from_an_older_till_is_read()
    {
        var latin1 = Encoding.Latin1.GetBytes(Header + "\n1;2026-04-02 10:00:00;in_store;item;järnhandel;25;10,00;1;;Åsa\n");
        Assert.Equal("järnhandel", Assert.Single(Format.Read(latin1).Receipts).Lines.Single().Category);
    }

    [Theory]
    [InlineData("0,01", 1)]
    [InlineData("1 089,50", 108_950)]
    [InlineData("1\u00a0089.5", 108_950)]
    [InlineData("-12,00", -1200)]
    [InlineData("\u221212,00", -1200)]
    [InlineData("45 kr", 4500)]
    public void Kronor_become_whole_ore(string text, long ore) => Assert.Equal(ore, SwedishValues.ParseOre(text, "amount"));

    [Fact]
    public void A_delivery_row_gives_the_receipt_a_delivery_with_its_distance_given_or_known()
    {
        var result = Read(
            Header + ";household;locality;distance_km;registered",
            "1;2026-04-02 10:00:00;home_delivery;item;dagligvaror;6;200,00;1;;A;;;",
            "1;2026-04-02 10:00:00;home_delivery;delivery;;;;;;A;Storgatan 1, Kusfors;Kusfors;",
            "2;2026-04-02 11:00:00;home_delivery;item;dagligvaror;6;300,00;1;;A;;;",
            "2;2026-04-02 11:00:00;home_delivery;delivery;;;;;;A;kund 77;Bjurträsk;8,5;ja",
            "3;2026-04-02 12:00:00;home_delivery;item;dagligvaror;6;300,00;1;;A;;;",
            "3;2026-04-02 12:00:00;home_delivery;delivery;;;;;;A;kund 78;Långtbortistan;",
            "4;2026-04-02 12:00:00;in_store;item;dagligvaror;6;300,00;1;;A;;;",
            "4;2026-04-02 12:00:00;in_store;delivery;;;;;;A;kund 79;Kusfors;");

        Assert.Equal(
            [new PosDelivery("Storgatan 1, Kusfors", "Kusfors", 12_000), new PosDelivery("kund 77", "Bjurträsk", 8_500) { Registered = true }],
            result.Receipts.Select(r => r.Delivery));
        Assert.Equal([7, 8], result.Errors.Select(e => e.LineNumber));
        Assert.Contains("Avståndet till \"Långtbortistan\" är okänt", result.Errors[0].Problem, StringComparison.Ordinal);
        Assert.Contains("channel home_delivery", result.Errors[1].Problem, StringComparison.Ordinal);
    }
}
