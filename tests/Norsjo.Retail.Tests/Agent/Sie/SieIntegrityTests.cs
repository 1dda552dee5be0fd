using System.Text;
using Norsjo.Retail.Agent.Sources.Sie;
using static Norsjo.Retail.Tests.Agent.Sie.SieFixtures;

namespace Norsjo.Retail.Tests.Agent.Sie;

/// <summary>Issue #16: #KSUMMA, unclosed vouchers, empty accounts and files cut short.</summary>
public sealed class SieIntegrityTests
{
    private static readonly string[][] Records =
    [
        ["#FLAGGA", "0"],
        ["#PROGRAM", "Kassa för Åsa", "2.0"],
        ["#SIETYP", "4"],
        ["#FNAMN", "Åsa Öbergs Lanthandel"],
        ["#VER", "A", "1", "20260601", "Dagskassa måndag"],
        ["{"],
        ["#TRANS", "1910", "{}", "125.00"],
        ["#TRANS", "3001", "{1 \"Kassa 1\"}", "-100.00"],
        ["#TRANS", "2611", "{}", "-25.00"],
        ["}"],
    ];

    private static Norsjo.Retail.Agent.Sources.Files.FileReadResult Read(byte[] content) => new Sie4Format(SieAccounts.Bas()).Read(content);

    [Theory]
    [InlineData(437)]
    [InlineData(65001)]
    public void A_file_whose_KSUMMA_holds_is_read(int codePage)
    {
        var result = Read(WithChecksum(Records, Encoding.GetEncoding(codePage)));

        Assert.Null(result.FileError);
        Assert.Equal(12_500, Assert.Single(result.DailyTotals).Sales.Sum(s => s.GrossOre));
    }

    [Fact]
    public void A_file_altered_after_its_KSUMMA_was_written_is_refused_whole()
    {
        // Still a balanced, plausible day: only the checksum can tell.
        var altered = Cp437.GetString(WithChecksum(Records, Cp437))
            .Replace("125.00", "126.00", StringComparison.Ordinal).Replace("-100.00", "-101.00", StringComparison.Ordinal);
        var tampered = Read(Cp437.GetBytes(altered));

        Assert.Empty(tampered.DailyTotals);
        Assert.NotNull(tampered.FileError);
        Assert.Contains("Kontrollsumman", tampered.FileError, StringComparison.Ordinal);

        var wrongSum = Read(WithChecksum(Records, Cp437, sum => sum + 1));
        Assert.Empty(wrongSum.DailyTotals);
        Assert.NotNull(wrongSum.FileError);
    }

    [Fact]
    public void A_file_cut_off_before_its_closing_KSUMMA_is_refused_as_cut_short()
    {
        var whole = Cp437.GetString(WithChecksum(Records, Cp437));
        var cut = whole[..whole.LastIndexOf("#KSUMMA", StringComparison.Ordinal)];

        var result = Read(Cp437.GetBytes(cut));

        Assert.Empty(result.DailyTotals);
        Assert.Contains("avkortad", result.FileError ?? string.Empty, StringComparison.Ordinal);
    }

    private const string Vouchers = """
        #FLAGGA 0
        #VER A 1 20260601 "Dagskassa"
        {
        #TRANS 1910 {} 125.00
        #TRANS 3001 {} -100.00
        #TRANS 2611 {} -25.00
        }
        #VER A 2 20260602 "Dagskassa"
        {
        #TRANS 1910 {} 62.50
        #TRANS 3001 {} -50.00
        #TRANS 2611 {} -12.50
        #VER A 3 20260603 "Dagskassa"
        {
        #TRANS 1910 {} 112.00
        #TRANS 3002 {} -100.00
        #TRANS 2621 {} -12.00
        }

        """;

    [Fact]
    public void A_voucher_whose_closing_brace_is_missing_is_an_error_with_its_line_not_swallowed_by_the_next()
    {
        var result = Read(Encoding.UTF8.GetBytes(Vouchers));

        var error = Assert.Single(result.Errors);
        Assert.Equal(8, error.LineNumber);
        Assert.Contains("avslutas aldrig", error.Problem, StringComparison.Ordinal);
        Assert.Contains("2026-06-02", error.Problem, StringComparison.Ordinal);
        Assert.Equal([1, 3], result.DailyTotals.Select(d => d.Date.Day));
        Assert.Equal(11_200, result.DailyTotals[1].Sales.Sum(s => s.GrossOre));
    }

    [Fact]
    public void A_file_that_ends_inside_a_voucher_is_refused_as_cut_short_with_the_vouchers_line()
    {
        var cut = Vouchers[..Vouchers.LastIndexOf('}')];

        var result = Read(Encoding.UTF8.GetBytes(cut));

        Assert.Empty(result.DailyTotals);
        Assert.NotNull(result.FileError);
        Assert.Contains("avkortad", result.FileError, StringComparison.Ordinal);
        Assert.Contains("rad 13", result.FileError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#TRANS \"\" {} 100.00", "saknar kontonummer")]
    [InlineData("#TRANS 1910 {}", "saknar belopp")]
    [InlineData("#TRANS 1910 {} 100,00", "ogiltigt belopp")]
    public void A_row_without_account_or_amount_is_an_error_with_its_line_and_its_day_is_held_back(string row, string problem)
    {
        var file = $"""
            #VER A 1 20260601 "Dagskassa"
            {"{"}
            #TRANS 1910 {"{}"} 125.00
            #TRANS 3001 {"{}"} -100.00
            #TRANS 2611 {"{}"} -25.00
            {row}
            #TRANS 1910 {"{}"} -100.00
            {"}"}

            """;
        var result = Read(Encoding.UTF8.GetBytes(file));

        Assert.Empty(result.DailyTotals);
        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.LineNumber);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }
}
