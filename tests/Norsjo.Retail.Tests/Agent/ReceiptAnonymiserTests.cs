using Google.Protobuf;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Tests.Agent;

public sealed class ReceiptAnonymiserTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static PosReceipt Sample(string number = "K-000123") => new(
        number,
        new DateTime(2026, 4, 2, 17, 45, 59),
        SaleChannel.HomeDelivery,
        [
            new PosLine("dagligvaror", 6, 5_300, 1000, false),
            new PosLine("dagligvaror", 6, 4_700, 2000, false),
            new PosLine("tobak", 25, 8_900, 1000, false),
            new PosLine("dagligvaror", 6, -1_000, -1000, true),
        ],
        [new PosPayment(PayMethod.Card, 10_000), new PosPayment(PayMethod.Cash, 7_900)]);

    [Fact]
    public void The_receipt_number_becomes_a_stable_keyed_hash_and_time_is_cut_to_the_minute()
    {
        var receipt = new ReceiptAnonymiser(Secret).Anonymise(Sample());

        Assert.Matches("^[0-9a-f]{32}$", receipt.ReceiptKey);
        Assert.Equal(receipt.ReceiptKey, new ReceiptAnonymiser(Secret).Anonymise(Sample()).ReceiptKey);
        Assert.NotEqual(receipt.ReceiptKey, new ReceiptAnonymiser(new byte[32]).Anonymise(Sample()).ReceiptKey);
        Assert.NotEqual(receipt.ReceiptKey, new ReceiptAnonymiser(Secret).Anonymise(Sample("K-000124")).ReceiptKey);
        Assert.Equal((17 * 60) + 45, receipt.MinuteOfDay);
        Assert.Equal(new LocalDate { Year = 2026, Month = 4, Day = 2 }, receipt.Date);
        Assert.Equal(Channel.HomeDelivery, receipt.Channel);
    }

    [Fact]
    public void Lines_are_summed_per_category_rate_and_direction_with_their_VAT()
    {
        var receipt = new ReceiptAnonymiser(Secret).Anonymise(Sample());

        Assert.Equal(
            [
                new ReceiptLine { Category = "dagligvaror", VatRateBasisPoints = 600, GrossOre = 10_000, VatOre = 566, QuantityMilli = 3000 },
                new ReceiptLine { Category = "dagligvaror", VatRateBasisPoints = 600, GrossOre = -1_000, VatOre = -57, QuantityMilli = -1000, Returned = true },
                new ReceiptLine { Category = "tobak", VatRateBasisPoints = 2500, GrossOre = 8_900, VatOre = 1_780, QuantityMilli = 1000 },
            ],
            receipt.Lines);
        Assert.Equal(
            [new Payment { Method = PaymentMethod.Cash, AmountOre = 7_900 }, new Payment { Method = PaymentMethod.Card, AmountOre = 10_000 }],
            receipt.Payments);
    }

    [Fact]
    public void The_serialised_receipt_carries_neither_the_receipt_number_nor_the_seconds()
    {
        var bytes = new ReceiptAnonymiser(Secret).Anonymise(Sample()).ToByteArray();
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        Assert.DoesNotContain("K-000123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("000123", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10_600, 6, 600)]
    [InlineData(11_200, 12, 1_200)]
    [InlineData(12_500, 25, 2_500)]
    [InlineData(100, 25, 20)]
    [InlineData(1, 25, 0)]
    [InlineData(3, 6, 0)]
    [InlineData(-10_600, 6, -600)]
    [InlineData(5_000, 0, 0)]
    public void VAT_inside_a_gross_amount_rounds_to_whole_ore(long gross, int rate, long vat) =>
        Assert.Equal(vat, ReceiptAnonymiser.VatPart(gross, rate));

    [Fact]
    public void The_store_secret_is_made_once_kept_private_and_reused()
    {
        using var folder = new Support.TempFolder("secret");
        var first = StoreSecret.LoadOrCreate(folder.Path);
        var again = StoreSecret.LoadOrCreate(folder.Path);

        Assert.Equal(32, first.Length);
        Assert.Equal(first, again);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder.Path, StoreSecret.FileName)));
    }
}
