namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>
/// The simple rules a careful analyst would try before any model, each from what was known at the
/// origin: the last same weekday (seasonal naive), the mean and the median of the last four same
/// weekdays, and the same day a year ago scaled by how the level has moved since. Missing days are
/// skipped (never read as 0), so a late upload does not drag a rule down.
/// </summary>
public static class Baselines
{
    public const string SeasonalNaive = "seasonal-naive-7";
    public const string MeanOfFour = "mean-4-weekdays";
    public const string MedianOfFour = "median-4-weekdays";
    public const string YearAgoScaled = "year-ago-scaled";

    public static readonly IReadOnlyList<string> All = [SeasonalNaive, MeanOfFour, MedianOfFour, YearAgoScaled];

    /// <summary>How far back a rule looks for known same weekdays before it gives up (12 weeks).</summary>
    private const int WeeksBack = 12;

    /// <summary>The rule's forecast for <paramref name="day"/> from <paramref name="origin"/>; NaN when the history has nothing to say.</summary>
    public static double Forecast(string rule, DailySeries s, DateOnly origin, DateOnly day) => rule switch
    {
        SeasonalNaive => SameWeekdays(s, origin, day, 1) is [var last] ? last : double.NaN,
        MeanOfFour => SameWeekdays(s, origin, day, 4) is { Count: > 0 } four ? four.Average() : double.NaN,
        MedianOfFour => SameWeekdays(s, origin, day, 4) is { Count: > 0 } four ? Median(four) : double.NaN,
        YearAgoScaled => YearAgo(s, origin, day),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "not a baseline"),
    };

    /// <summary>Up to <paramref name="count"/> known values of the target's weekday at or before the origin, newest first.</summary>
    public static List<double> SameWeekdays(DailySeries s, DateOnly origin, DateOnly day, int count)
    {
        ArgumentNullException.ThrowIfNull(s);
        var found = new List<double>(count);
        var weeks = (day.DayNumber - origin.DayNumber + 6) / 7;
        for (var k = Math.Max(1, weeks); k <= weeks + WeeksBack && found.Count < count; k++)
        {
            var v = s.Open(day.AddDays(-7 * k));
            if (!double.IsNaN(v))
            {
                found.Add(v);
            }
        }

        return found;
    }

    /// <summary>The mean of the known open days in the 28 days up to <paramref name="origin"/>; NaN with fewer than 7 of them.</summary>
    public static double Level(DailySeries s, DateOnly origin)
    {
        ArgumentNullException.ThrowIfNull(s);
        double sum = 0;
        var n = 0;
        for (var i = 0; i < 28; i++)
        {
            var v = s.Open(origin.AddDays(-i));
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        return n >= 7 ? sum / n : double.NaN;
    }

    private static double YearAgo(DailySeries s, DateOnly origin, DateOnly day)
    {
        var then = s.Open(day.AddDays(-364));
        var now = Level(s, origin);
        var before = Level(s, origin.AddDays(-364));
        return double.IsNaN(then) || double.IsNaN(now) || !(before > 0) ? Forecast(MeanOfFour, s, origin, day) : then * now / before;
    }

    public static double Median(List<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
