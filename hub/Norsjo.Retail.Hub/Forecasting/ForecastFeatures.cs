using System.Globalization;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>
/// The model's features for a target day seen from an origin: the day's Swedish calendar (weekday,
/// week, each big day as its own value, payday, summer, the food VAT regime), the horizon, and the
/// series' own recent shape relative to its level at the origin (the last same weekdays, their mean
/// and median, the mean of the last 8 and 12 (steadier for noisy small series), the same day and
/// the same big day a year earlier, how the level has moved, the median of the last 28 days (a level
/// one odd day cannot move) and last week against the same week a year ago), and the days that come
/// round every year in the series' own history, whatever its country's calendar (<see cref="RecurringDays"/>:
/// the same calendar date and the same day from Easter in the years before, as anomalies against the
/// same weekdays around them where every known year agreed, and how far the day is from the Western and the Orthodox Easter). Every value is finite:
/// missing history or a zero level falls back to the rule a shopkeeper would use (or 1), with a flag.
/// </summary>
public static class ForecastFeatures
{
    public sealed class Row
    {
        public float Weekday { get; set; }

        public float DayOfMonth { get; set; }

        public float WeekOfYear { get; set; }

        public float Month { get; set; }

        public float BigDay { get; set; }

        public float DaysToChristmasEve { get; set; }

        public float Holiday { get; set; }

        public float Eve { get; set; }

        public float DaysSincePayday { get; set; }

        public float Summer { get; set; }

        public float ReducedVat { get; set; }

        public float Horizon { get; set; }

        public float LastWeekSameDay { get; set; }

        public float MeanOfFour { get; set; }

        public float MedianOfFour { get; set; }

        public float YearAgo { get; set; }

        public float HasYearAgo { get; set; }

        public float LastYearSameBigDay { get; set; }

        public float LevelTrend { get; set; }

        public float LevelYearOnYear { get; set; }

        public float MeanOfEight { get; set; }

        public float MeanOfTwelve { get; set; }

        public float RobustLevel { get; set; }

        public float WeekOnYearAgo { get; set; }

        /// <summary>
        /// The median of the last four same weekdays times the anomaly the same calendar date had in the years
        /// before (<see cref="RecurringDays.Factor"/>: a fixed-date holiday's dip or peak, 1 on an ordinary or
        /// unknown day). In the forecast's own units, so one split serves every weekday: a holiday that fell on
        /// a Thursday and a Saturday before teaches its Sunday too, where the anomaly alone would sit under a weekday split.
        /// </summary>
        public float SameDateBefore { get; set; }

        /// <summary>How many of the years before were known for <see cref="SameDateBefore"/> (0: it is the plain median of four).</summary>
        public float SameDateYearsKnown { get; set; }

        /// <summary>The same for the day at the same distance from Easter in the years before (the plain median of four out of Easter's reach).</summary>
        public float SameEasterDayBefore { get; set; }

        public float DaysFromEaster { get; set; }

        public float DaysFromOrthodoxEaster { get; set; }

        public float Label { get; set; }
    }

    /// <summary>
    /// The model's label for a day's sales: log(1 + sales / level). Squared error on the plain ratio is
    /// pulled up by the rare big days of small, noisy series (a pharmacy's drug group: a standard
    /// deviation above its mean), so the fit sits above the typical day that MASE, an absolute error,
    /// rewards; on the log scale those days weigh less and the fit lies between the mean and the median.
    /// A 0 stays 0 (log 1), so closed-looking and small days are kept.
    /// </summary>
    public static float ToLabel(double sales, double level) => (float)Math.Log(1 + (sales / level));

    /// <summary>The sales a model's score says, back on the series' scale (never below 0).</summary>
    public static double FromLabel(double score, double level) => Math.Max(0, Math.Exp(score) - 1) * level;

    /// <summary>The feature columns, in one place: every property of <see cref="Row"/> but the label.</summary>
    public static readonly string[] Names = [.. typeof(Row).GetProperties().Select(p => p.Name).Where(n => n != nameof(Row.Label))];

    /// <summary>What is known of a series at an origin, worked out once for all the horizon's days.</summary>
    /// <param name="levelYearAgo">The level a year before the origin (the same for every day of the horizon).</param>
    public sealed class Context(DailySeries series, DateOnly origin, double level, double levelYearAgo, double trend, double yearOnYear, double robustLevel, double weekOnYearAgo)
    {
        public double Level { get; } = level;

        public Row Row(int h)
        {
            var s = series;
            var day = origin.AddDays(h);
            // The last four same weekdays are the first four of the last twelve (the same weeks, newest first).
            var twelve = Baselines.SameWeekdays(s, origin, day, 12);
            var four = twelve.Count > 4 ? twelve.GetRange(0, 4) : twelve;
            var lastWeek = four.Count > 0 ? four[0] / Level : 1;
            var mean = four.Count > 0 ? four.Average() / Level : 1;
            var median = four.Count > 0 ? Baselines.Median(four) / Level : 1;
            var eight = twelve.Count > 4 ? twelve.Take(8).Average() / Level : mean;
            var then = s.Open(day.AddDays(-364));
            var hasYearAgo = !double.IsNaN(then) && levelYearAgo > 0;
            var yearAgo = hasYearAgo ? then / levelYearAgo : mean;
            var big = SwedishDays.Of(day);
            var lastYearBig = yearAgo;
            if (big != SwedishDay.None && SwedishDays.In(big, day.Year - 1) is { } bigThen && bigThen <= origin)
            {
                var v = s.Open(bigThen);
                var l = Baselines.Level(s, bigThen.AddDays(-h));
                lastYearBig = !double.IsNaN(v) && l > 0 ? v / l : yearAgo;
            }

            var sameDate = RecurringDays.SameDate(s, day, origin);
            var sameEasterDay = RecurringDays.SameEasterDay(s, day, origin);
            var christmasEve = new DateOnly(day.Month == 12 && day.Day > 24 ? day.Year + 1 : day.Year, 12, 24);
            return new Row
            {
                Weekday = (int)day.DayOfWeek,
                DayOfMonth = day.Day,
                WeekOfYear = ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)),
                Month = day.Month,
                BigDay = (int)big,
                DaysToChristmasEve = Math.Min(60, christmasEve.DayNumber - day.DayNumber),
                Holiday = SwedishCalendar.IsHoliday(day) ? 1 : 0,
                Eve = SwedishCalendar.IsHolidayEve(day) ? 1 : 0,
                DaysSincePayday = SwedishCalendar.DaysSincePayday(day),
                Summer = SwedishCalendar.IsSummer(day) ? 1 : 0,
                ReducedVat = SwedishCalendar.ReducedFoodVat(day) ? 1 : 0,
                Horizon = h,
                LastWeekSameDay = (float)lastWeek,
                MeanOfFour = (float)mean,
                MedianOfFour = (float)median,
                YearAgo = (float)yearAgo,
                HasYearAgo = hasYearAgo ? 1 : 0,
                LastYearSameBigDay = (float)lastYearBig,
                LevelTrend = (float)trend,
                LevelYearOnYear = (float)yearOnYear,
                MeanOfEight = (float)eight,
                MeanOfTwelve = (float)(twelve.Count > 8 ? twelve.Average() / Level : eight),
                RobustLevel = (float)robustLevel,
                WeekOnYearAgo = (float)weekOnYearAgo,
                SameDateBefore = (float)(median * RecurringDays.Factor(sameDate.Anomaly)),
                SameDateYearsKnown = sameDate.Years,
                SameEasterDayBefore = (float)(median * RecurringDays.Factor(sameEasterDay)),
                DaysFromEaster = RecurringDays.DaysFromEaster(day, Easter.Western),
                DaysFromOrthodoxEaster = RecurringDays.DaysFromEaster(day, Easter.Orthodox),
            };
        }
    }

    /// <summary>The context at an origin; a series without a level there (all missing or 0) gets level 1, so nothing is NaN.</summary>
    public static Context At(DailySeries s, DateOnly origin)
    {
        ArgumentNullException.ThrowIfNull(s);
        var level = Baselines.Level(s, origin);
        var usable = level > 0 ? level : 1;
        var before = Baselines.Level(s, origin.AddDays(-28));
        var yearBefore = Baselines.Level(s, origin.AddDays(-364));
        var median = Median(s, origin, 28);
        var lastWeek = Mean(s, origin, 7);
        var weekYearAgo = Mean(s, origin.AddDays(-364), 7);
        return new Context(s, origin, usable, yearBefore, level > 0 && before > 0 ? level / before : 1, level > 0 && yearBefore > 0 ? level / yearBefore : 1,
            level > 0 && !double.IsNaN(median) ? median / level : 1, lastWeek > 0 && weekYearAgo > 0 ? lastWeek / weekYearAgo : 1);
    }

    private static List<double> Known(DailySeries s, DateOnly origin, int days) =>
        [.. Enumerable.Range(0, days).Select(i => s.Open(origin.AddDays(-i))).Where(v => !double.IsNaN(v))];

    /// <summary>The median of the known open days of the <paramref name="days"/> up to the origin; NaN with none.</summary>
    private static double Median(DailySeries s, DateOnly origin, int days) => Known(s, origin, days) is { Count: > 0 } known ? Baselines.Median(known) : double.NaN;

    private static double Mean(DailySeries s, DateOnly origin, int days) => Known(s, origin, days) is { Count: > 0 } known ? known.Average() : double.NaN;
}
