using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The backtest's CSV reader on files as shops and public data sets write them (the previous reader took
/// only <c>store,yyyy-MM-dd,amount</c> with commas and a decimal point, and summed duplicates silently).
/// </summary>
public sealed class DailySeriesCsvTests : IDisposable
{
    private readonly TempFolder folder = new("csv");

    public void Dispose() => folder.Dispose();

    private string File(string name, string text)
    {
        var path = Path.Combine(folder.Path, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_Swedish_export_with_semicolons_decimal_commas_day_first_dates_unsorted_rows_and_a_gap_is_read()
    {
        var path = File("kassa.csv", "Butik;Datum;Belopp;Kvitton\nbutik-a;03.01.2025;1 234,50;12\nbutik-a;01.01.2025;99,5;3\nbutik-b;01.01.2025;10;1\nbutik-a;13.01.2025;7;1\n");

        var read = DailySeriesCsv.Read(path);

        Assert.Equal(";", read.Separator);
        Assert.True(read.DecimalComma);
        var a = read.Series.Single(s => s.Id == "butik-a");
        Assert.Equal(new DateOnly(2025, 1, 1), a.Start);
        Assert.Equal(new DateOnly(2025, 1, 13), a.End);
        Assert.Equal(99.5, a[new DateOnly(2025, 1, 1)]);
        Assert.Equal(1234.5, a[new DateOnly(2025, 1, 3)]);
        // A day not in the file is missing, not 0.
        Assert.True(double.IsNaN(a[new DateOnly(2025, 1, 2)]));
        Assert.Equal(["butik-a", "butik-b"], read.Series.Select(s => s.Id));
    }

    [Fact]
    public void Duplicate_days_are_summed_and_counted_or_refused_with_both_lines_named()
    {
        var path = File("dup.csv", "store,date,amount\na,2025-01-02,10\na,2025-01-01,5\na,2025-01-02,3\n");

        var summed = DailySeriesCsv.Read(path);
        var refused = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(path, new DailySeriesCsvOptions { Duplicates = CsvDuplicateDays.Refuse }));

        Assert.Equal(13, summed.Series.Single()[new DateOnly(2025, 1, 2)]);
        Assert.Equal(1, summed.SummedDuplicates);
        Assert.Contains("line 4", refused.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_that_read_both_day_first_and_month_first_are_refused_unless_the_order_is_given()
    {
        var path = File("ambiguous.csv", "store,date,amount\na,01/02/2025,1\na,03/02/2025,2\n");

        var refused = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(path));
        var dayFirst = DailySeriesCsv.Read(path, new DailySeriesCsvOptions { DateFormat = "d/M/yyyy" });

        Assert.Contains("--date-format", refused.Message, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2025, 2, 1), dayFirst.Series.Single().Start);
        // Month first where a day above 12 tells: 1/13 is only January 13th.
        var us = DailySeriesCsv.Read(File("us.csv", "Store,Date,Sales\n1,\"1/2/2014\",5\n1,\"1/13/2014\",\"7\"\n"));
        Assert.Equal("M/d/yyyy", us.DateFormat);
        Assert.Equal(new DateOnly(2014, 1, 13), us.Series.Single().End);
    }

    [Fact]
    public void A_file_without_a_header_or_without_a_store_column_and_quoted_amounts_with_a_currency_is_read()
    {
        var positional = DailySeriesCsv.Read(File("plain.csv", "s1,2024-03-01,5\ns1,2024-03-02 00:00:00,6\n"));
        var oneSeries = DailySeriesCsv.Read(File("bageri.csv", "date,sales\n2024-03-01,\"1,20 €\"\n2024-03-02,\n2024-03-03,NA\n2024-03-04,2\n"));

        Assert.Equal(6, positional.Series.Single()[new DateOnly(2024, 3, 2)]);
        var bakery = oneSeries.Series.Single();
        Assert.Equal("bageri", bakery.Id);
        Assert.Equal(1.2, bakery[new DateOnly(2024, 3, 1)], 9);
        Assert.True(double.IsNaN(bakery[new DateOnly(2024, 3, 2)]));
        Assert.Equal(2, oneSeries.EmptyAmounts);
    }

    /// <summary>
    /// Many public sets and spreadsheet exports put one column per product or shop beside the date (the pharmacy's drug
    /// groups, the pasta items with their promotion flags): each such column is one series; a text column is left out
    /// and named; a prefix picks the columns where other numbers sit beside them.
    /// </summary>
    [Fact]
    public void A_file_with_one_column_per_series_beside_the_date_is_read_as_one_series_a_column()
    {
        var wide = File("wide.csv", "datum;M01AB;N02BA;Weekday\n2024-03-01;1,5;4;Friday\n2024-03-02;;5;Saturday\n2024-03-04;2;NA;Monday\n");
        var pasta = File("pasta.csv", "DATE,QTY_B1_1,QTY_B1_2,PROMO_B1_1,PROMO_B1_2\n2014-01-02,10,3,0,1\n2014-01-03,12,oops,1,0\n");

        var read = DailySeriesCsv.Read(wide);
        var picked = DailySeriesCsv.Read(File("pasta-ok.csv", "DATE,QTY_B1_1,QTY_B1_2,PROMO_B1_1\n2014-01-02,10,3,0\n2014-01-03,12,4,1\n"), new DailySeriesCsvOptions { SeriesColumns = "QTY_" });
        var refused = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(pasta, new DailySeriesCsvOptions { SeriesColumns = "QTY_" }));

        Assert.Equal(["M01AB", "N02BA"], read.Series.Select(s => s.Id));
        Assert.Equal(1.5, read.Series[0][new DateOnly(2024, 3, 1)]);
        Assert.True(double.IsNaN(read.Series[0][new DateOnly(2024, 3, 2)]));
        Assert.True(double.IsNaN(read.Series[1][new DateOnly(2024, 3, 4)]));
        Assert.True(double.IsNaN(read.Series[1][new DateOnly(2024, 3, 3)]));
        Assert.Equal(2, read.EmptyAmounts);
        Assert.Contains("one series a column: M01AB, N02BA; left out: Weekday", read.Describe(), StringComparison.Ordinal);
        Assert.Equal(["QTY_B1_1", "QTY_B1_2"], picked.Series.Select(s => s.Id));
        Assert.Equal(4, picked.Series[1][new DateOnly(2014, 1, 3)]);
        Assert.Contains("line 3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("QTY_B1_2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_cannot_be_read_is_refused_with_its_line()
    {
        var badAmount = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(File("bad.csv", "store,date,amount\na,2025-01-01,5\na,2025-01-02,lots\n")));
        var noAmount = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(File("noamount.csv", "store,date,colour\na,2025-01-01,red\n")));

        Assert.Contains("line 3", badAmount.Message, StringComparison.Ordinal);
        Assert.Contains("--amount-column", noAmount.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Rossmann_file_with_an_Open_column_reads_closed_days_as_closed_not_as_sales()
    {
        // Rossmann's train.csv: Store,DayOfWeek,Date,Sales,Customers,Open,...; a Sunday and a holiday closed with Sales 0.
        var path = File("rossmann.csv", """
            Store,DayOfWeek,Date,Sales,Customers,Open,Promo,StateHoliday,SchoolHoliday
            1,1,2015-01-05,5000,500,1,0,0,0
            1,7,2015-01-04,0,0,0,0,0,0
            1,6,2015-01-03,4000,400,1,0,0,0
            1,2,2015-01-06,0,0,0,0,a,0
            2,1,2015-01-05,0,0,1,0,0,0
            """);

        var read = DailySeriesCsv.Read(path, new DailySeriesCsvOptions { OpenColumn = "Open" });

        var one = read.Series.Single(s => s.Id == "1");
        var sunday = new DateOnly(2015, 1, 4);
        Assert.True(one.ClosedOn(sunday));
        Assert.True(one.ClosedOn(new DateOnly(2015, 1, 6)));
        Assert.Equal(0, one[sunday]);
        // Closed: neither a feature nor a score; an open day with 0 sales stays a sale of 0.
        Assert.True(double.IsNaN(one.Open(sunday)));
        Assert.Equal(5000, one.Open(new DateOnly(2015, 1, 5)));
        Assert.Equal(0, read.Series.Single(s => s.Id == "2").Open(new DateOnly(2015, 1, 5)));
        Assert.Equal(2, read.ClosedDays);
        Assert.Contains("2 store-days closed", read.Describe(), StringComparison.Ordinal);

        // Without the option the same file is all sales: a closed Sunday reads as 0 sold.
        Assert.False(DailySeriesCsv.Read(path).Series.Single(s => s.Id == "1").ClosedOn(sunday));
    }

    [Fact]
    public void A_closed_day_with_sales_or_an_unreadable_open_flag_is_refused_with_its_line()
    {
        var sold = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(File("sold.csv", "store,date,sales,closed\na,2025-01-01,5,0\na,2025-01-02,7,1\n"), new DailySeriesCsvOptions { ClosedColumn = "closed" }));
        var flag = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(File("flag.csv", "store,date,sales,open\na,2025-01-01,5,maybe\n"), new DailySeriesCsvOptions { OpenColumn = "open" }));
        var missing = Assert.Throws<FormatException>(() => DailySeriesCsv.Read(File("none.csv", "store,date,sales\na,2025-01-01,5\n"), new DailySeriesCsvOptions { OpenColumn = "Open" }));

        Assert.Contains("line 3", sold.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", flag.Message, StringComparison.Ordinal);
        Assert.Contains("'Open'", missing.Message, StringComparison.Ordinal);
    }
}
