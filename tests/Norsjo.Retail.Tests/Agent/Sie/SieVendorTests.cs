using System.Text;
using Norsjo.Retail.Agent.Sources.Sie;
using Norsjo.Retail.Contracts.V1;
using static Norsjo.Retail.Tests.Agent.Sie.SieFixtures;

namespace Norsjo.Retail.Tests.Agent.Sie;

/// <summary>Issue #16: vendor layouts, the checks every file passes, and what is refused with a word why.</summary>
public sealed class SieVendorTests
{
    private static Sie4Format Format(SieAccounts accounts) => new(accounts);

    private static DailySales Rate(DailyTotal day, int percent) => day.Sales.Single(s => s.VatRateBasisPoints == percent * 100);

    private static long Paid(DailyTotal day, PaymentMethod method) => day.Payments.Where(p => p.Method == method).Sum(p => p.AmountOre);

    [Fact]
    public void ES_Z_reports_read_with_BAS_accounts_are_refused_naming_the_accounts_and_the_profile_that_fits()
    {
        var result = Format(SieAccounts.Bas()).Read(Cp437.GetBytes(EsFile()));

        Assert.Empty(result.DailyTotals);
        Assert.NotNull(result.FileError);
        foreach (var account in new[] { "3210", "3320", "3330", "3340", "2610", "2620", "1932", "1925" })
        {
            Assert.Contains("Konto " + account, result.FileError, StringComparison.Ordinal);
        }

        Assert.Contains("Konto 3210 (Försäljning varor 25%)", result.FileError, StringComparison.Ordinal);
        Assert.Contains("Agent:Sie:Profile=es-kassasystem", result.FileError, StringComparison.Ordinal);
    }

    [Fact]
    public void ES_Z_reports_with_the_ES_profile_give_each_days_sales_per_rate_and_payments()
    {
        var result = Format(Settings(("Profile", "es-kassasystem"))).Read(Cp437.GetBytes(EsFile()));

        Assert.Null(result.FileError);
        Assert.Empty(result.Errors);
        Assert.Equal(3, result.DailyTotals.Count);
        var first = result.DailyTotals[0];
        Assert.Equal(new LocalDate { Year = 2026, Month = 3, Day = 5 }, first.Date);
        Assert.Equal((750_000, 150_000), (Rate(first, 25).GrossOre, Rate(first, 25).VatOre));
        Assert.Equal((1_680_000, 180_000), (Rate(first, 12).GrossOre, Rate(first, 12).VatOre));
        Assert.Equal(0, Rate(first, 6).GrossOre);
        Assert.Equal(330_040, Paid(first, PaymentMethod.Cash));
        Assert.Equal(1_700_000, Paid(first, PaymentMethod.Card));
        Assert.Equal(400_000, Paid(first, PaymentMethod.Swish));
        Assert.Equal(2 * 1_680_000, Rate(result.DailyTotals[1], 12).GrossOre);
    }

    [Fact]
    public void A_3010_style_day_read_with_BAS_accounts_is_no_12_percent_sale_made_of_VAT_and_its_profile_reads_it()
    {
        var bas = Format(SieAccounts.Bas()).Read(Encoding.UTF8.GetBytes(Kassa3010File));

        Assert.DoesNotContain(bas.DailyTotals.SelectMany(d => d.Sales), s => s.GrossOre != 0 && s.GrossOre == s.VatOre);
        Assert.NotNull(bas.FileError);
        Assert.Contains("Konto 3010", bas.FileError, StringComparison.Ordinal);
        Assert.Contains("Agent:Sie:Profile=kassa-3010", bas.FileError, StringComparison.Ordinal);

        var day = Assert.Single(Format(Settings(("Profile", "kassa-3010"))).Read(Encoding.UTF8.GetBytes(Kassa3010File)).DailyTotals);
        Assert.Equal((50_000, 10_000), (Rate(day, 25).GrossOre, Rate(day, 25).VatOre));
        Assert.Equal((105_800, 11_336), (Rate(day, 12).GrossOre, Rate(day, 12).VatOre));
        Assert.Equal(155_800, day.Payments.Sum(p => p.AmountOre));
    }

    [Fact]
    public void A_whole_bookkeeping_year_is_refused_in_Swedish_saying_what_to_export_instead()
    {
        var result = Format(SieAccounts.Bas()).Read(Encoding.UTF8.GetBytes(BookkeepingYear));

        Assert.Empty(result.DailyTotals);
        Assert.NotNull(result.FileError);
        Assert.Contains("hel bokföring", result.FileError, StringComparison.Ordinal);
        Assert.Contains("kundfordringar", result.FileError, StringComparison.Ordinal);
        Assert.Contains("löner", result.FileError, StringComparison.Ordinal);
        Assert.Contains("Z-rapporter", result.FileError, StringComparison.Ordinal);
        Assert.Contains("Agent:Sie:AcceptBookkeeping=true", result.FileError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bookkeeping_year_read_on_purpose_counts_only_its_Z_report_vouchers()
    {
        var result = Format(Settings(("AcceptBookkeeping", "true"))).Read(Encoding.UTF8.GetBytes(BookkeepingYear));

        Assert.Null(result.FileError);
        var day = Assert.Single(result.DailyTotals);
        Assert.Equal(new LocalDate { Year = 2026, Month = 2, Day = 26 }, day.Date);
        Assert.Equal(112_000, day.Sales.Sum(s => s.GrossOre));
        Assert.Equal(112_000, Paid(day, PaymentMethod.Cash));
        Assert.Equal(0, Paid(day, PaymentMethod.Swish));
    }

    private const string TwoDays = """
        #FLAGGA 0
        #VER A 1 20260601 "Dagskassa"
        {
        #TRANS 1910 {} 1000.00
        #TRANS 3001 {} -800.00
        #TRANS 2611 {} -200.00
        }
        #VER A 2 20260602 "Dagskassa"
        {
        #TRANS 1910 {} 500.00
        #TRANS 2421 {} -500.00
        #TRANS 1580 {} 1060.00
        #TRANS 3003 {} -1000.00
        #TRANS 2631 {} -60.00
        }

        """;

    [Fact]
    public void A_day_whose_payments_are_not_its_sales_is_held_back_naming_the_day_the_accounts_and_the_difference()
    {
        var result = Format(SieAccounts.Bas()).Read(Encoding.UTF8.GetBytes(TwoDays));

        var sent = Assert.Single(result.DailyTotals);
        Assert.Equal(1, sent.Date.Day);
        var error = Assert.Single(result.Errors);
        Assert.Equal(8, error.LineNumber);
        Assert.Contains("Dagen 2026-06-02 hålls tillbaka", error.Problem, StringComparison.Ordinal);
        Assert.Contains("1580, 1910", error.Problem, StringComparison.Ordinal);
        Assert.Contains("500,00 kr", error.Problem, StringComparison.Ordinal);
        Assert.Contains("2421", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rate_whose_VAT_is_not_rate_times_net_holds_the_day_back()
    {
        var wrongVat = """
            #VER A 1 20260601 "Dagskassa"
            {
            #TRANS 1910 {} 1000.00
            #TRANS 3002 {} -800.00
            #TRANS 2621 {} -200.00
            }

            """;
        var result = Format(SieAccounts.Bas()).Read(Encoding.UTF8.GetBytes(wrongVat));

        Assert.Empty(result.DailyTotals);
        var error = Assert.Single(result.Errors);
        Assert.Contains("momsen 12 % (200,00 kr) är inte 12 % av nettot 800,00 kr (96,00 kr)", error.Problem, StringComparison.Ordinal);
        Assert.Contains("2621", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_of_negative_sales_is_held_back_with_a_word()
    {
        var negative = """
            #VER A 1 20260601 "Dagskassa"
            {
            #TRANS 1910 {} -125.00
            #TRANS 3001 {} 100.00
            #TRANS 2611 {} 25.00
            }

            """;
        var result = Format(SieAccounts.Bas()).Read(Encoding.UTF8.GetBytes(negative));

        Assert.Empty(result.DailyTotals);
        Assert.Contains("negativ", Assert.Single(result.Errors).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_lists_every_rate_and_method_of_the_mapping_zero_or_not_so_a_newer_file_replaces_it_whole()
    {
        var reExport = """
            #VER A 1 20260601 "Dagskassa, ny export"
            {
            #TRANS 1580 {} 125.00
            #TRANS 3001 {} -100.00
            #TRANS 2611 {} -25.00
            }

            """;
        var day = Assert.Single(Format(SieAccounts.Bas()).Read(Encoding.UTF8.GetBytes(reExport)).DailyTotals);

        Assert.Equal([600, 1200, 2500], day.Sales.Select(s => s.VatRateBasisPoints));
        Assert.Equal([0L, 0L, 12_500L], day.Sales.Select(s => s.GrossOre));
        Assert.Equal(0, Paid(day, PaymentMethod.Cash));
        Assert.Contains(day.Payments, p => p.Method == PaymentMethod.Cash);
        Assert.Contains(day.Payments, p => p.Method == PaymentMethod.Swish);
        Assert.Equal(12_500, Paid(day, PaymentMethod.Card));
    }
}
