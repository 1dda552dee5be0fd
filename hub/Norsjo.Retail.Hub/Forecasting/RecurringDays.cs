using System.Collections.Concurrent;
using PublicHoliday;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>
/// Easter Sunday, Western and Orthodox, in one place (PublicHoliday's computus). Many countries' movable
/// shopping days hang on it: Carnaval (Monday and Tuesday 48 and 47 days before), Semana Santa, Ascension
/// (39 after), Pentecost (49 after), Corpus Christi (60 after); the Orthodox Easter moves the Serbian ones.
/// PublicHoliday's own computus is internal; its Swedish and Serbian calendars give the two Easters.
/// </summary>
public static class Easter
{
    // A year's Easter is worked out once (every feature row asks for it several times); the year is the whole key.
    private static readonly ConcurrentDictionary<int, DateOnly> Westerns = new();
    private static readonly ConcurrentDictionary<int, DateOnly> Orthodoxes = new();

    public static DateOnly Western(int year) => Westerns.GetOrAdd(year, static y => DateOnly.FromDateTime(SwedenPublicHoliday.Easter(y)));

    public static DateOnly Orthodox(int year) => Orthodoxes.GetOrAdd(year, static y => DateOnly.FromDateTime(SerbianPublicHoliday.Easter(y)));
}

/// <summary>
/// Days that come round every year, learned from a series' own history instead of from a calendar the
/// model would have to know (issue #17, eighth round: Ecuador's Carnaval and national days were forecast
/// as normal days). A day a year (and two years) earlier is read as an anomaly: its value against the
/// median of the same weekday in the weeks around it then, so a fixed-date holiday of any country shows
/// as a dip or a peak, and so does a day at the same distance from Easter.
/// </summary>
public static class RecurringDays
{
    /// <summary>How many years back a recurring day is looked for: two, so one odd year does not decide alone.</summary>
    public const int YearsBack = 2;

    /// <summary>Same weekdays on each side of a day that make its normal level: three weeks, a month in all.</summary>
    public const int NeighbourWeeks = 3;

    /// <summary>Of the six neighbours, how many must be known for a normal level (fewer: the anomaly is missing).</summary>
    public const int MinNeighbours = 3;

    /// <summary>Days before Easter its movable days reach: Carnaval's Monday is 48 before.</summary>
    public const int EasterDaysBefore = 50;

    /// <summary>Days after Easter its movable days reach: Corpus Christi is 60 after.</summary>
    public const int EasterDaysAfter = 60;

    /// <summary>
    /// A day's value against the median of the same weekday in the <see cref="NeighbourWeeks"/> weeks on
    /// each side of it, from what was known at <paramref name="origin"/>; NaN where the day or too many of
    /// its neighbours are unknown, or its neighbours' median is 0.
    /// </summary>
    public static double Anomaly(DailySeries s, DateOnly day, DateOnly origin)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (day > origin)
        {
            return double.NaN;
        }

        var value = s.Open(day);
        if (double.IsNaN(value))
        {
            return double.NaN;
        }

        var around = new List<double>(2 * NeighbourWeeks);
        for (var k = 1; k <= NeighbourWeeks; k++)
        {
            Neighbour(day.AddDays(-7 * k));
            Neighbour(day.AddDays(7 * k));
        }

        void Neighbour(DateOnly d)
        {
            if (d <= origin && s.Open(d) is var v && !double.IsNaN(v))
            {
                around.Add(v);
            }
        }

        if (around.Count < MinNeighbours)
        {
            return double.NaN;
        }

        var normal = Baselines.Median(around);
        return normal > 0 ? value / normal : double.NaN;
    }

    /// <summary>
    /// The same calendar date in the <see cref="YearsBack"/> years before: the least extreme of the known
    /// years' anomalies (a day recurs only where every known year agreed: one year's closure or delivery is
    /// not read as a holiday), and how many years were known (0: the anomaly is NaN).
    /// </summary>
    public static (double Anomaly, int Years) SameDate(DailySeries s, DateOnly day, DateOnly origin) => AcrossYears(s, day, null, origin);

    /// <summary>
    /// The day at the same distance from (Western) Easter in the years before, read as <see cref="SameDate"/>
    /// reads a date, for a day within Easter's reach (<see cref="EasterDaysBefore"/> before to
    /// <see cref="EasterDaysAfter"/> after); NaN outside it or with none known. Easter is a Sunday, so the
    /// day keeps its weekday.
    /// </summary>
    public static double SameEasterDay(DailySeries s, DateOnly day, DateOnly origin)
    {
        var offset = day.DayNumber - Easter.Western(day.Year).DayNumber;
        return offset < -EasterDaysBefore || offset > EasterDaysAfter
            ? double.NaN
            : AcrossYears(s, day, offset, origin).Anomaly;
    }

    /// <summary>
    /// The day's anomalies in each of the <see cref="YearsBack"/> years before (the same date, or with
    /// <paramref name="easterOffset"/> the same distance from that year's Easter), folded by <see cref="LessExtreme"/>.
    /// </summary>
    private static (double Anomaly, int Years) AcrossYears(DailySeries s, DateOnly day, int? easterOffset, DateOnly origin)
    {
        var least = (Anomaly: double.NaN, Years: 0);
        for (var k = 1; k <= YearsBack; k++)
        {
            var then = easterOffset is { } offset ? Easter.Western(day.Year - k).AddDays(offset) : day.AddYears(-k);
            least = LessExtreme(least, Anomaly(s, then, origin));
        }

        return least;
    }

    /// <summary>
    /// Days from an Easter Sunday of the day's year (negative before), held at one past the reach on
    /// either side outside it, so the trees see the movable days and nothing of the rest of the year.
    /// </summary>
    public static int DaysFromEaster(DateOnly day, Func<int, DateOnly> easter)
    {
        ArgumentNullException.ThrowIfNull(easter);
        var offset = day.DayNumber - easter(day.Year).DayNumber;
        return Math.Clamp(offset, -EasterDaysBefore - 1, EasterDaysAfter + 1);
    }

    /// <summary>
    /// The years' anomalies folded one at a time, oldest last: the known one nearest a normal day (1) on the log scale
    /// (a 0, a closed day, is the most extreme; on a tie the earlier year's), and how many were known.
    /// </summary>
    private static (double Anomaly, int Years) LessExtreme((double Anomaly, int Years) least, double anomaly) =>
        double.IsNaN(anomaly) ? least
        : least.Years == 0 || Extremity(anomaly) < Extremity(least.Anomaly) ? (anomaly, least.Years + 1)
        : (least.Anomaly, least.Years + 1);

    private static double Extremity(double anomaly) => Math.Abs(Math.Log(Math.Max(anomaly, ClosedAnomaly)));

    /// <summary>An anomaly below this is a closed day: its log is held here rather than at minus infinity.</summary>
    private const double ClosedAnomaly = 1e-3;

    /// <summary>The step an anomaly's log is rounded to: a tenth (about 10 %), finer than a holiday's dip, coarser than a normal day's noise.</summary>
    private const double Step = 0.1;

    /// <summary>
    /// An anomaly as a factor a forecast can be multiplied by: rounded on the log scale to <see cref="Step"/>,
    /// so an ordinary day's few per cent of noise is exactly 1 and only a real dip or peak moves it; 1 unknown.
    /// </summary>
    public static double Factor(double anomaly) =>
        double.IsNaN(anomaly) ? 1 : Math.Exp(Math.Round(Math.Log(Math.Max(anomaly, ClosedAnomaly)) / Step) * Step);
}
