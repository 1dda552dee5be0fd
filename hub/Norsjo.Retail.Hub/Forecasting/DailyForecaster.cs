using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>A daily series: one value per day, no gaps (a closed day is 0).</summary>
public sealed record DailySeries(string Id, DateOnly Start, IReadOnlyList<double> Values)
{
    public DateOnly End => Start.AddDays(Values.Count - 1);

    public double this[DateOnly day] => Values[day.DayNumber - Start.DayNumber];
}

public sealed record ForecastPoint(DateOnly Date, int Horizon, double Point, double Lower, double Upper);

/// <summary>How a method did in the backtests of one series.</summary>
public sealed record Accuracy(double Mase, double Wape, double Coverage80);

/// <summary>
/// A series' forecast and the honesty behind it: the model's and the baseline's backtest accuracy,
/// and which of them is shown (the baseline where the model does not beat it).
/// </summary>
public sealed record SeriesForecast(string SeriesId, string Method, Accuracy Model, Accuracy Baseline, IReadOnlyList<ForecastPoint> Points)
{
    public bool UsesBaseline => Method == DailyForecaster.BaselineName;
}

/// <summary>
/// Daily sales forecasts, one global FastTree regression across all series (stores share what a
/// Swedish village shop's calendar does to sales; each series keeps its own level). Each training
/// row is (origin, horizon): the label is the day's sales divided by the series' mean of the 28 days
/// before the origin, and the features are the target day's calendar (weekday, week, holiday, eve,
/// payday, summer, food VAT regime), the horizon, and the series' own recent shape relative to that
/// level (the same weekday in the last week before the origin, the same day a year earlier).
///
/// Honesty: rolling-origin backtests against the seasonal naive baseline (the last week repeated),
/// MASE, WAPE and the coverage of the 80 % interval per series. Intervals come from the backtest
/// errors of the other origins (cross-fitted), so their coverage is measured on errors they were not
/// fitted to. Where the model does not beat the baseline on a series, the baseline is what is shown.
/// </summary>
/// <param name="maxTrainingRows">Rows a model trains on at most, sampled past it; 0: all (see <see cref="DefaultMaxTrainingRows"/>).</param>
public sealed class DailyForecaster(int horizonDays = 56, int backtestOrigins = 6, int seed = 1, int maxTrainingRows = DailyForecaster.DefaultMaxTrainingRows)
{
    /// <summary>About 250 series' worth of three years (40 stores): below it every row is used, as before.</summary>
    public const int DefaultMaxTrainingRows = 1_000_000;

    public const string ModelName = "fasttree-global";
    public const string BaselineName = "seasonal-naive-7";
    public const string FeatureVersion = "calendar-v1";
    private const int LevelDays = 28;
    private const int OriginStep = 14;

    /// <summary>The model (true) and the baseline (false).</summary>
    private static readonly bool[] Methods = [true, false];

    public sealed class Row
    {
        public float Weekday { get; set; }

        public float WeekOfYear { get; set; }

        public float Month { get; set; }

        public float Holiday { get; set; }

        public float Eve { get; set; }

        public float Payday { get; set; }

        public float DaysSincePayday { get; set; }

        public float Summer { get; set; }

        public float ReducedVat { get; set; }

        public float Horizon { get; set; }

        public float LastWeekSameDay { get; set; }

        public float YearAgo { get; set; }

        public float HasYearAgo { get; set; }

        public float Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    public IReadOnlyList<SeriesForecast> Forecast(IReadOnlyList<DailySeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var usable = series.Where(s => s.Values.Count >= LevelDays + (2 * horizonDays)).ToList();
        var last = usable.Count == 0 ? default : usable.Max(s => s.End);

        // Backtests: for each origin, a model trained only on what was known then.
        var origins = Enumerable.Range(0, backtestOrigins).Select(k => last.AddDays(-horizonDays - (k * 28))).ToList();
        var backtest = new Dictionary<(string Series, DateOnly Origin), (double[] Actual, double[] Model, double[] Baseline)>();
        foreach (var origin in origins)
        {
            var model = Train(usable, origin);
            var tested = usable.Where(s => s.End >= origin.AddDays(horizonDays) && origin.AddDays(-LevelDays) >= s.Start).ToList();
            var predicted = Predict(model, tested, _ => origin);
            for (var i = 0; i < tested.Count; i++)
            {
                var s = tested[i];
                var actual = Enumerable.Range(1, horizonDays).Select(h => s[origin.AddDays(h)]).ToArray();
                backtest[(s.Id, origin)] = (actual, predicted[i], SeasonalNaive(s, origin));
            }
        }

        var final = Train(usable, last);
        var finalPredictions = Predict(final, usable, s => s.End);
        var finalBySeries = new Dictionary<DailySeries, double[]>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < usable.Count; i++)
        {
            finalBySeries[usable[i]] = finalPredictions[i];
        }

        // Errors are relative (actual / forecast), so all series' backtests together shape the intervals.
        // The intervals depend on the method and the held-out origin only, never on the series: they
        // are worked out once here, not per series (that made the run quadratic in the series).
        var all = backtest.ToList();
        var intervals = Methods.ToDictionary(m => m, m => Quantiles(all.Select(r => RatiosOf(r.Value, m)).ToList()));
        var heldOut = Methods.ToDictionary(m => m, m => all.Select(r => r.Key.Origin).Distinct()
            .ToDictionary(o => o, o => Quantiles(all.Where(r => r.Key.Origin != o).Select(r => RatiosOf(r.Value, m)).ToList())));
        var originsWithRuns = all.Select(r => r.Key.Origin).Distinct().Count();
        var bySeries = backtest.ToLookup(b => b.Key.Series, StringComparer.Ordinal);
        var result = new List<SeriesForecast>();
        foreach (var s in series)
        {
            var runs = bySeries[s.Id].ToList();
            if (!usable.Contains(s) || runs.Count == 0)
            {
                result.Add(new SeriesForecast(s.Id, BaselineName, new Accuracy(double.NaN, double.NaN, double.NaN), new Accuracy(double.NaN, double.NaN, double.NaN),
                    s.Values.Count >= 7 ? Points(SeasonalNaive(s, s.End), s.End, [], []) : []));
                continue;
            }

            var scale = NaiveScale(s);
            var modelAccuracy = Score(runs.Select(r => (r.Value.Actual, r.Value.Model)).ToList(), scale, Coverage(runs, originsWithRuns, heldOut[true], useModel: true));
            var baselineAccuracy = Score(runs.Select(r => (r.Value.Actual, r.Value.Baseline)).ToList(), scale, Coverage(runs, originsWithRuns, heldOut[false], useModel: false));
            var useModel = modelAccuracy.Mase < baselineAccuracy.Mase;
            var (low, high) = intervals[useModel];
            var point = useModel ? finalBySeries[s] : SeasonalNaive(s, s.End);
            result.Add(new SeriesForecast(s.Id, useModel ? ModelName : BaselineName, modelAccuracy, baselineAccuracy, Points(point, s.End, low, high)));
        }

        return result;
    }

    /// <summary>The last observed week, repeated: what a shop owner would guess without a model.</summary>
    public double[] SeasonalNaive(DailySeries s, DateOnly origin) =>
        [.. Enumerable.Range(1, horizonDays).Select(h => s[origin.AddDays(-7 + ((h - 1) % 7) + 1)])];

    private static List<ForecastPoint> Points(double[] point, DateOnly origin, double[] low, double[] high) =>
        [.. point.Select((p, i) => new ForecastPoint(origin.AddDays(i + 1), i + 1, Math.Max(0, p),
            Math.Max(0, p * (low.Length > 0 ? low[i / 7] : 1)), Math.Max(0, p * (high.Length > 0 ? high[i / 7] : 1))))];

    private TransformerChain<Microsoft.ML.Data.RegressionPredictionTransformer<Microsoft.ML.Trainers.FastTree.FastTreeRegressionModelParameters>> Train(IReadOnlyList<DailySeries> series, DateOnly knownUntil)
    {
        // Origins going back from the last one whose whole horizon was known, each a block of horizonDays rows.
        var blocks = new List<(DailySeries Series, DateOnly Origin, double Level)>();
        foreach (var s in series)
        {
            for (var origin = knownUntil.AddDays(-horizonDays); origin.AddDays(-LevelDays) >= s.Start; origin = origin.AddDays(-OriginStep))
            {
                var level = Level(s, origin);
                if (level > 0)
                {
                    blocks.Add((s, origin, level));
                }
            }
        }

        // Past maxTrainingRows (hundreds of stores), a seeded random share of the blocks: the trees learn
        // the calendar's shape as well from a million rows as from ten, at a fraction of the time and memory.
        var share = maxTrainingRows > 0 ? Math.Min(1.0, (double)maxTrainingRows / ((long)blocks.Count * horizonDays)) : 1.0;
        var sample = new Random(seed);
        var rows = new List<Row>();
        foreach (var (s, origin, level) in blocks)
        {
            if (share < 1 && sample.NextDouble() >= share)
            {
                continue;
            }

            for (var h = 1; h <= horizonDays; h++)
            {
                var row = Features(s, origin, h, level);
                row.Label = (float)(s[origin.AddDays(h)] / level);
                rows.Add(row);
            }
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Concatenate("Features",
                nameof(Row.Weekday), nameof(Row.WeekOfYear), nameof(Row.Month), nameof(Row.Holiday), nameof(Row.Eve), nameof(Row.Payday),
                nameof(Row.DaysSincePayday), nameof(Row.Summer), nameof(Row.ReducedVat), nameof(Row.Horizon), nameof(Row.LastWeekSameDay), nameof(Row.YearAgo), nameof(Row.HasYearAgo))
            .Append(ml.Regression.Trainers.FastTree(labelColumnName: nameof(Row.Label), numberOfLeaves: 31, numberOfTrees: 200, minimumExampleCountPerLeaf: 20, learningRate: 0.1));
        return pipeline.Fit(data);
    }

    /// <summary>Each series' forecast from its origin, scored in one pass (one pass per series cost a pipeline each).</summary>
    private List<double[]> Predict(
        TransformerChain<Microsoft.ML.Data.RegressionPredictionTransformer<Microsoft.ML.Trainers.FastTree.FastTreeRegressionModelParameters>> model,
        List<DailySeries> series, Func<DailySeries, DateOnly> originOf)
    {
        if (series.Count == 0)
        {
            return [];
        }

        var levels = series.Select(s => Level(s, originOf(s))).ToList();
        var ml = new MLContext(seed);
        var rows = series.SelectMany((s, i) => Enumerable.Range(1, horizonDays).Select(h => Features(s, originOf(s), h, levels[i]))).ToList();
        var scores = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).Select(p => p.Score).ToList();
        return [.. series.Select((_, i) => scores.GetRange(i * horizonDays, horizonDays).Select(score => Math.Max(0, score) * levels[i]).ToArray())];
    }

    private static Row Features(DailySeries s, DateOnly origin, int h, double level)
    {
        var day = origin.AddDays(h);
        var sameWeekday = origin.AddDays(-7 + ((h - 1) % 7) + 1);
        var yearAgo = day.AddDays(-364);
        var hasYearAgo = origin.AddDays(-364 - LevelDays) >= s.Start;
        var lastWeek = (float)(s[sameWeekday] / level);
        return new Row
        {
            Weekday = (int)day.DayOfWeek,
            WeekOfYear = ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)),
            Month = day.Month,
            Holiday = SwedishCalendar.IsHoliday(day) ? 1 : 0,
            Eve = SwedishCalendar.IsHolidayEve(day) ? 1 : 0,
            Payday = SwedishCalendar.IsPayday(day) ? 1 : 0,
            DaysSincePayday = SwedishCalendar.DaysSincePayday(day),
            Summer = SwedishCalendar.IsSummer(day) ? 1 : 0,
            ReducedVat = SwedishCalendar.ReducedFoodVat(day) ? 1 : 0,
            Horizon = h,
            LastWeekSameDay = lastWeek,
            // Less than a year of history: FastTree skips rows with missing values, so say so in a flag instead.
            YearAgo = hasYearAgo ? (float)(s[yearAgo] / Math.Max(1e-9, Level(s, origin.AddDays(-364)))) : lastWeek,
            HasYearAgo = hasYearAgo ? 1 : 0,
        };
    }

    private static double Level(DailySeries s, DateOnly origin) =>
        Enumerable.Range(0, LevelDays).Select(i => s[origin.AddDays(-i)]).Average();

    /// <summary>The mean absolute change from a day to the same weekday a week earlier, in the series' history (MASE's scale).</summary>
    private static double NaiveScale(DailySeries s) =>
        Math.Max(1e-9, Enumerable.Range(7, s.Values.Count - 7).Select(i => Math.Abs(s.Values[i] - s.Values[i - 7])).Average());

    private static Accuracy Score(List<(double[] Actual, double[] Forecast)> runs, double scale, double coverage)
    {
        var errors = runs.SelectMany(r => r.Actual.Zip(r.Forecast, (a, f) => Math.Abs(a - f))).ToList();
        var actualSum = runs.Sum(r => r.Actual.Sum(Math.Abs));
        return new Accuracy(errors.Average() / scale, actualSum == 0 ? double.NaN : errors.Sum() / actualSum, coverage);
    }

    private static double[] Ratios(double[] actual, double[] forecast) =>
        [.. actual.Zip(forecast, (a, f) => f <= 0 ? 1 : a / f)];

    /// <summary>10th and 90th percentile of actual/forecast per week of the horizon.</summary>
    private (double[] Low, double[] High) Quantiles(IReadOnlyList<double[]> ratioRuns)
    {
        var weeks = (horizonDays + 6) / 7;
        var low = new double[weeks];
        var high = new double[weeks];
        for (var w = 0; w < weeks; w++)
        {
            var values = ratioRuns.SelectMany(r => r.Skip(w * 7).Take(7)).Order().ToList();
            low[w] = values.Count == 0 ? 1 : values[(int)Math.Floor(0.1 * (values.Count - 1))];
            high[w] = values.Count == 0 ? 1 : values[(int)Math.Ceiling(0.9 * (values.Count - 1))];
        }

        return (low, high);
    }

    private static double[] RatiosOf((double[] Actual, double[] Model, double[] Baseline) run, bool useModel) =>
        Ratios(run.Actual, useModel ? run.Model : run.Baseline);

    /// <summary>
    /// Coverage of the 80 % interval on a series' backtests, each origin's interval fitted only on the
    /// errors at the other origins (of all series): measured on errors the interval never saw.
    /// </summary>
    /// <param name="heldOut">Per origin, the interval fitted on the errors at all the other origins.</param>
    private static double Coverage(
        List<KeyValuePair<(string Series, DateOnly Origin), (double[] Actual, double[] Model, double[] Baseline)>> runs,
        int origins,
        Dictionary<DateOnly, (double[] Low, double[] High)> heldOut,
        bool useModel)
    {
        if (origins < 2)
        {
            return double.NaN;
        }

        int inside = 0, total = 0;
        foreach (var held in runs)
        {
            var (low, high) = heldOut[held.Key.Origin];
            var forecast = useModel ? held.Value.Model : held.Value.Baseline;
            for (var i = 0; i < forecast.Length; i++)
            {
                var a = held.Value.Actual[i];
                inside += a >= forecast[i] * low[i / 7] && a <= forecast[i] * high[i / 7] ? 1 : 0;
                total++;
            }
        }

        return (double)inside / total;
    }
}
