using System.Text;
using Norsjo.Retail.Agent.Sources.Sie;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Tests.Agent;

public sealed class Sie4ReaderTests
{
    static Sie4ReaderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private const string File = """
        #FLAGGA 0
        #FORMAT PC8
        #SIETYP 4
        #PROGRAM "Kassa" 1.0
        #FNAMN "Åsa Öbergs Lanthandel i Kusfors"
        #KONTO 3001 "Försäljning 25 %"
        #VER A 1 20260402 "Dagskassa 2 april"
        {
        #TRANS 1910 {} 250.00
        #TRANS 1580 {} 844.00
        #TRANS 3001 {} -400.00
        #TRANS 2611 {} -100.00
        #TRANS 3003 {} -566.04
        #TRANS 2631 {} -33.96
        #RTRANS 1580 {} 6.00 20260403 "Kort, rättelse"
        #TRANS 1580 {} 6.00 20260403 "Kort, rättelse"
        #BTRANS 1910 {} 6.00 20260403 "Bokfört som kontant"
        }
        #VER A 2 20260402 "Swish"
        {
        #TRANS 1930 {} 112.00
        #TRANS 3002 {} -100.00
        #TRANS 2621 {} -12.00
        }
        #VER A 3 20260403 "Obalanserad"
        {
        #TRANS 1910 {} 100.00
        #TRANS 3001 {} -80.00
        }
        #VER A 4 20260403 "Kontant"
        {
        #TRANS 1910 {} 62.50
        #TRANS 3001 {} -50.00
        #TRANS 2611 {} -12.50
        }
        """;

    [Fact]
    public void Days_are_summed_per_VAT_rate_and_payment_with_supplements_and_removals_handled()
    {
        var sie = new Sie4Reader(SieAccounts.Bas()).Parse(Encoding.GetEncoding(437).GetBytes(File));

        Assert.Equal("CP437", sie.EncodingName);
        Assert.Equal("Åsa Öbergs Lanthandel i Kusfors", sie.CompanyName);
        Assert.Equal(3, sie.Vouchers);
        var april2 = sie.Days[0];
        Assert.Equal(new LocalDate { Year = 2026, Month = 4, Day = 2 }, april2.Date);
        Assert.Equal(DailySource.Sie4, april2.Source);
        Assert.Equal(
            [
                new DailySales { Category = "", VatRateBasisPoints = 600, GrossOre = 60_000, VatOre = 3_396 },
                new DailySales { Category = "", VatRateBasisPoints = 1200, GrossOre = 11_200, VatOre = 1_200 },
                new DailySales { Category = "", VatRateBasisPoints = 2500, GrossOre = 50_000, VatOre = 10_000 },
            ],
            april2.Sales);
        // Card 844.00 + 6.00 added later (RTRANS, its TRANS copy skipped); cash 6.00 removed (BTRANS) does not count.
        Assert.Equal(
            [
                new Payment { Method = PaymentMethod.Cash, AmountOre = 25_000 },
                new Payment { Method = PaymentMethod.Card, AmountOre = 85_000 },
                new Payment { Method = PaymentMethod.Swish, AmountOre = 11_200 },
            ],
            april2.Payments);
        // 3 April has a voucher that does not balance: the day is held back whole, not sent without it.
        Assert.Single(sie.Days);
    }

    [Fact]
    public void A_voucher_that_does_not_balance_is_reported_with_its_line_and_left_out()
    {
        var sie = new Sie4Reader(SieAccounts.Bas()).Parse(Encoding.UTF8.GetBytes(File));

        var error = Assert.Single(sie.Errors);
        Assert.Equal(25, error.LineNumber);
        Assert.Contains("A 3 balanserar inte", error.Problem, StringComparison.Ordinal);
        Assert.Contains("20,00 kr", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(65001, "UTF-8")]
    [InlineData(437, "CP437")]
    [InlineData(28605, "ISO-8859-15")]
    public void The_encoding_is_found_whichever_the_file_uses(int codePage, string expected)
    {
        var sie = new Sie4Reader(SieAccounts.Bas()).Parse(Encoding.GetEncoding(codePage).GetBytes(File));

        Assert.Equal(expected, sie.EncodingName);
        Assert.Equal("Åsa Öbergs Lanthandel i Kusfors", sie.CompanyName);
        Assert.Equal(3, sie.Vouchers);
    }

    [Fact]
    public void Vendor_accounts_are_mapped_by_configuration()
    {
        const string vendor = """
            #VER K 1 20260501 ""
            {
            #TRANS 1911 {} 125.00
            #TRANS 3010 {} -100.00
            #TRANS 2610 {} -25.00
            }
            """;
        var accounts = Sie.SieFixtures.Settings(("Sales:3010", "25"), ("Vat:2610", "25"), ("Payments:1911", "kontant"));

        var day = Assert.Single(new Sie4Reader(accounts).Parse(Encoding.ASCII.GetBytes(vendor)).Days);

        Assert.Equal(12_500, day.Sales.Single(s => s.GrossOre != 0).GrossOre);
        Assert.Equal(PaymentMethod.Cash, day.Payments.Single(p => p.AmountOre != 0).Method);
    }

    [Fact]
    public void Fields_keep_quoted_text_and_object_lists_whole() =>
        Assert.Equal(
            ["#TRANS", "3001", "{1 \"100\"}", "-400.00", "20260402", "Text med \"citat\" och  mellanslag"],
            Sie4Reader.Tokenize("#TRANS 3001 {1 \"100\"} -400.00 20260402 \"Text med \\\"citat\\\" och  mellanslag\""));
}
