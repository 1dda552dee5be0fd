using Norsjo.Retail.Hub.Forecasting;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// Days that come round every year in a calendar the model does not know (issue #17, eighth round):
/// fixed dates that are no Swedish big days (Ecuador's 10 August, 9 October, 2 and 3 November) and
/// Carnaval's Tuesday (47 days before Easter), each a dip every year, learned from the series' own history.
/// Several dates, as a real calendar has: a tree learns a dip on the weekdays it has seen one on, and one
/// date falls on only two or three weekdays in two or three years.
/// </summary>
public sealed class RecurringDayTests(ITestOutputHelper output)
{
    /// <summary>What is left of a normal day's sales on a recurring day.</summary>
    private const double Dip = 0.3;

    private static readonly double[] Weekly = [0.75, 0.95, 1.0, 1.0, 1.05, 1.3, 1.2]; // Sunday … Saturday

    private static readonly (int Month, int Day)[] FixedDates = [(8, 10), (10, 9), (11, 2), (11, 3)];

    private static bool Recurring(DateOnly day) =>
        FixedDates.Contains((day.Month, day.Day)) || day == Easter.Western(day.Year).AddDays(-47);

    /// <summary>A shop's normal day: its level, the weekday, a gentle yearly wave (no dip, no noise).</summary>
    private static double Normal(double level, DateOnly day) =>
        level * Weekly[(int)day.DayOfWeek] * (1 + (0.15 * Math.Sin(2 * Math.PI * day.DayOfYear / 365.25)));

    /// <summary>About three and a half years of a shop's days from January 2022 to <paramref name="end"/>, with 6 % noise. Seeded.</summary>
    private static DailySeries Shop(string id, double level, DateOnly end, int seed)
    {
        var random = new Random(seed);
        var start = new DateOnly(2022, 1, 3);
        var values = new List<double>();
        for (var day = start; day <= end; day = day.AddDays(1))
        {
            var v = Normal(level, day) * (Recurring(day) ? Dip : 1);
            values.Add(Math.Max(0, v * (1 + (0.06 * Gaussian(random)))));
        }

        return new DailySeries(id, start, values);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Theory]
    [InlineData("2025-07-20", "2025-08-10")] // a fixed date of another country's calendar
    [InlineData("2025-02-10", "2025-03-04")] // Carnaval's Tuesday, 47 days before Easter (20 April 2025)
    public void A_day_that_was_a_dip_every_year_is_forecast_near_the_dip_next_year(string lastDay, string recurring)
    {
        var end = DateOnly.Parse(lastDay, System.Globalization.CultureInfo.InvariantCulture);
        var day = DateOnly.Parse(recurring, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Recurring(day));
        var levels = new[] { 50.0, 120, 300, 800 };
        var series = levels.Select((l, i) => Shop($"shop-{i}", l, end, 40 + i)).ToList();

        var forecasts = new DailyForecaster(horizonDays: 56, backtestOrigins: 3, seed: 3, trees: 100).Forecast(series);

        foreach (var (f, level) in forecasts.Zip(levels))
        {
            var point = f.Points.Single(p => p.Date == day).Point;
            var normal = Normal(level, day);
            output.WriteLine($"{f.SeriesId}: shown {f.Method}, {point:F1} on {day} against a normal {normal:F1} and the dip's {normal * Dip:F1}");
            // Nearer the dip than a normal day: the midpoint between them.
            Assert.True(point < normal * (1 + Dip) / 2, $"{f.SeriesId}: {point:F1} on {day}, a normal day {normal:F1}, the dip {normal * Dip:F1}");
        }
    }

    [Fact]
    public void A_fixed_date_a_year_earlier_reads_as_its_dip_against_the_same_weekdays_around_it()
    {
        var end = new DateOnly(2025, 7, 20);
        var s = Shop("shop", 200, end, 7);
        var context = ForecastFeatures.At(s, end);
        var h = new DateOnly(2025, 8, 10).DayNumber - end.DayNumber;

        var row = context.Row(h);
        var normalDay = context.Row(h + 1);

        output.WriteLine($"10 August: same date before {row.SameDateBefore:F3} (median of four {row.MedianOfFour:F3}); 11 August: {normalDay.SameDateBefore:F3} ({normalDay.MedianOfFour:F3})");
        // The median of four same weekdays times the date's anomaly: the dip's share of it on 10 August, all of it on the 11th.
        Assert.InRange(row.SameDateBefore / row.MedianOfFour, Dip * 0.8, Dip * 1.2);
        Assert.InRange(normalDay.SameDateBefore / normalDay.MedianOfFour, 0.9, 1.1);
        Assert.Equal(RecurringDays.YearsBack, row.SameDateYearsKnown);
    }

    [Fact]
    public void Without_a_year_of_history_the_recurring_day_features_are_neutral_and_flagged_missing()
    {
        var end = new DateOnly(2022, 6, 30);
        var s = Shop("young", 200, end, 9);
        var context = ForecastFeatures.At(s, end);

        foreach (var h in Enumerable.Range(1, 56))
        {
            var row = context.Row(h);
            Assert.Equal(row.MedianOfFour, row.SameDateBefore);
            Assert.Equal(0, row.SameDateYearsKnown);
            Assert.Equal(row.MedianOfFour, row.SameEasterDayBefore);
            Assert.True(float.IsFinite(row.DaysFromEaster) && float.IsFinite(row.DaysFromOrthodoxEaster));
        }
    }

    [Theory]
    [InlineData(2019, "2019-04-21", "2019-04-28")] // a year the two differ by a week (the Serbian pharmacy's last year)
    [InlineData(2025, "2025-04-20", "2025-04-20")] // a year they fall together
    public void The_Western_and_the_Orthodox_Easter_are_the_churches_dates(int year, string western, string orthodox)
    {
        Assert.Equal(DateOnly.Parse(western, System.Globalization.CultureInfo.InvariantCulture), Easter.Western(year));
        Assert.Equal(DateOnly.Parse(orthodox, System.Globalization.CultureInfo.InvariantCulture), Easter.Orthodox(year));
    }
}
