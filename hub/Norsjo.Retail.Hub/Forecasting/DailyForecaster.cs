using Microsoft.ML;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>The gradient-boosted trees the model is fitted with (both ML.NET; chosen by the benchmark's figures).</summary>
public enum ForecastTrainer
{
    FastTree,
    LightGbm,
}

/// <summary>
/// Daily sales forecasts, honest about what they know. Candidates per series: the four simple rules
/// of <see cref="Forecasting.Baselines"/>, one global gradient-boosted model across all series (stores
/// share what a Swedish calendar does to sales; each keeps its own level), and the model averaged with
/// the mean and with the median of the last four same weekdays. Rolling-origin backtests score every
/// candidate on the same origins; a series shows the candidate with the lowest MASE, and the accuracy
/// reported for what is shown is cross-fitted: each origin is scored with the candidate the other
/// origins chose, so picking the best of several is not counted as skill.
///
/// Calendar: each Swedish big day is its own feature (<see cref="SwedishDay"/>); a day the registry's
/// opening hours close is 0 with certainty; a big day a shop has been closed on every time it came
/// round before is forecast closed. Missing days are missing: they teach nothing and score nothing,
/// and a series whose last days are missing is forecast from its last known day and says how many.
///
/// Intervals: conformal, per series: the 10th and 90th percentiles of the series' own backtest
/// errors, relative to the forecast (at least a quarter of the level, so a 0 forecast on an open day
/// still gets a band). Their coverage is measured with each origin's interval fitted on the others.
/// MASE is scaled by the week-to-week change in the history before each origin only.
/// </summary>
/// <param name="maxTrainingRows">Rows a model trains on at most, sampled past it; 0: all (see <see cref="DefaultMaxTrainingRows"/>).</param>
/// <param name="trees">Boosting rounds per model: 200 in production; tests that check behaviour, not the last per cent of accuracy, use fewer.</param>
public sealed class DailyForecaster(
    int horizonDays = 56, int backtestOrigins = 6, int seed = 1, int maxTrainingRows = DailyForecaster.DefaultMaxTrainingRows,
    ForecastTrainer trainer = ForecastTrainer.FastTree, int trees = DailyForecaster.DefaultTrees)
{
    public const int DefaultTrees = 200;

    /// <summary>About 250 series' worth of three years (40 stores): below it every row is used.</summary>
    public const int DefaultMaxTrainingRows = 1_000_000;

    public const string ModelName = "fasttree-global";
    public const string LightGbmName = "lightgbm-global";
    public const string BaselineName = Forecasting.Baselines.SeasonalNaive;
    public const string FeatureVersion = "calendar-v2";
    private const int LevelDays = 28;
    private const int OriginStep = 14;
    private const int OriginSpacing = 28;

    /// <summary>The band of a forecast is relative to it, but never to less than this share of the level.</summary>
    private const double BandFloor = 0.25;

    public static IReadOnlyList<string> Baselines => Forecasting.Baselines.All;

    /// <summary>This forecaster's model, by the trainer it uses.</summary>
    public string Model => trainer == ForecastTrainer.LightGbm ? LightGbmName : ModelName;

    /// <summary>Every candidate a series can show: the baselines, the model, and the model averaged with each four-weekday rule.</summary>
    public IReadOnlyList<string> Candidates => [.. Baselines, Model, Model + "+" + Forecasting.Baselines.MeanOfFour, Model + "+" + Forecasting.Baselines.MedianOfFour];

    /// <summary>One series' backtest at one origin: what happened, and what every candidate said.</summary>
    private sealed record Run(DateOnly Origin, double[] Actual, double Scale, double Level, bool[] Closed, Dictionary<string, double[]> Forecasts);

    public IReadOnlyList<SeriesForecast> Forecast(IReadOnlyList<DailySeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var usable = series.Where(s => s.LastKnown is { } known && known.DayNumber - s.Start.DayNumber + 1 >= LevelDays + (2 * horizonDays)).ToList();
        var runs = new Dictionary<DailySeries, List<Run>>(ReferenceEqualityComparer.Instance);
        foreach (var s in usable)
        {
            runs[s] = [];
        }

        if (usable.Count > 0)
        {
            var last = usable.Max(s => s.LastKnown!.Value);
            foreach (var origin in Enumerable.Range(0, backtestOrigins).Select(k => last.AddDays(-horizonDays - (k * OriginSpacing))))
            {
                var tested = usable.Where(s => origin.AddDays(-LevelDays) >= s.Start && origin < s.LastKnown && !double.IsNaN(Forecasting.Baselines.Level(s, origin))).ToList();
                if (tested.Count == 0)
                {
                    continue;
                }

                var model = Train(usable, origin);
                var predicted = Predict(model, tested, _ => origin);
                for (var i = 0; i < tested.Count; i++)
                {
                    var s = tested[i];
                    var days = Enumerable.Range(1, horizonDays).Select(h => origin.AddDays(h)).ToArray();
                    var actual = days.Select(s.Open).ToArray();
                    if (actual.All(double.IsNaN))
                    {
                        continue;
                    }

                    runs[s].Add(new Run(origin, actual, NaiveScale(s, origin), ScaleLevel(s, origin), [.. days.Select(d => ClosedBefore(s, origin, d))],
                        CandidateForecasts(s, origin, days, predicted[i])));
                }
            }
        }

        var finalModel = usable.Count > 0 ? Train(usable, usable.Max(s => s.LastKnown!.Value)) : null;
        var finalPredicted = finalModel is null ? [] : Predict(finalModel, usable, s => s.LastKnown!.Value);
        var pooled = PooledResiduals(runs.Values.SelectMany(r => r).ToList());
        var result = new List<SeriesForecast>();
        foreach (var s in series)
        {
            var index = usable.IndexOf(s);
            var seriesRuns = index >= 0 ? runs[s] : [];
            result.Add(seriesRuns.Count == 0
                ? WithoutBacktest(s, pooled)
                : Shown(s, seriesRuns, finalPredicted[index]));
        }

        return result;
    }

    /// <summary>What is shown for a series with backtests: the best candidate by MASE, and the accuracies behind it.</summary>
    private SeriesForecast Shown(DailySeries s, List<Run> runs, double[] modelFinal)
    {
        var accuracy = Candidates.ToDictionary(m => m, m => Score(runs, _ => m), StringComparer.Ordinal);
        var best = BestOf(Candidates, runs);
        var bestBaseline = BestOf(Baselines, runs);
        var origin = s.LastKnown!.Value;
        var days = Enumerable.Range(1, horizonDays).Select(h => origin.AddDays(h)).ToArray();
        var point = CandidateForecasts(s, origin, days, modelFinal)[best];
        var (low, high) = Quantiles(runs.SelectMany(r => Residuals(r, best)).ToList());
        var level = ScaleLevel(s, origin);
        var points = days.Select((d, i) => Point(s, origin, d, i + 1, point[i], level, low, high)).ToList();
        return new SeriesForecast(s.Id, best, accuracy[Model], accuracy[bestBaseline], points)
        {
            // Each origin scored with the candidate the other origins chose: choosing is not skill.
            Shown = Score(runs, held => BestOf(Candidates, [.. runs.Where(r => r != held)])),
            BestBaseline = bestBaseline,
            Methods = accuracy,
            MissingDays = s.MissingDays,
        };
    }

    /// <summary>Too short a history for backtests: the mean of the last four same weekdays, with a band from all series' errors.</summary>
    private SeriesForecast WithoutBacktest(DailySeries s, (double Low, double High) pooled)
    {
        if (s.LastKnown is not { } origin)
        {
            return new SeriesForecast(s.Id, Forecasting.Baselines.MeanOfFour, Accuracy.None, Accuracy.None, []) { BestBaseline = Forecasting.Baselines.MeanOfFour, MissingDays = s.MissingDays };
        }

        var level = ScaleLevel(s, origin);
        var points = Enumerable.Range(1, horizonDays)
            .Select(h =>
            {
                var day = origin.AddDays(h);
                var f = Forecasting.Baselines.Forecast(Forecasting.Baselines.MeanOfFour, s, origin, day);
                return Point(s, origin, day, h, double.IsNaN(f) ? level : f, level, pooled.Low, pooled.High);
            })
            .ToList();
        return new SeriesForecast(s.Id, Forecasting.Baselines.MeanOfFour, Accuracy.None, Accuracy.None, points)
        {
            BestBaseline = Forecasting.Baselines.MeanOfFour,
            MissingDays = s.MissingDays,
        };
    }

    private static ForecastPoint Point(DailySeries s, DateOnly origin, DateOnly day, int horizon, double forecast, double level, double low, double high)
    {
        if (s.ClosedOn(day) || ClosedBefore(s, origin, day))
        {
            return new ForecastPoint(day, horizon, 0, 0, 0, Closed: true);
        }

        var p = Math.Max(0, forecast);
        var unit = Math.Max(p, BandFloor * level);
        var lower = Math.Max(0, p + (low * unit));
        return new ForecastPoint(day, horizon, p, Math.Min(lower, p), Math.Max(p + (high * unit), p + (0.01 * unit)));
    }

    /// <summary>Every candidate's forecast for the days after <paramref name="origin"/>, closed days 0.</summary>
    private Dictionary<string, double[]> CandidateForecasts(DailySeries s, DateOnly origin, DateOnly[] days, double[] model)
    {
        var level = ScaleLevel(s, origin);
        var forecasts = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var rule in Baselines)
        {
            // A rule with nothing to say (no known same weekday in 12 weeks) says the level.
            forecasts[rule] = [.. days.Select(d => Forecasting.Baselines.Forecast(rule, s, origin, d) is var f && double.IsNaN(f) ? level : f)];
        }

        forecasts[Model] = model;
        forecasts[Model + "+" + Forecasting.Baselines.MeanOfFour] = [.. model.Zip(forecasts[Forecasting.Baselines.MeanOfFour], (m, b) => (m + b) / 2)];
        forecasts[Model + "+" + Forecasting.Baselines.MedianOfFour] = [.. model.Zip(forecasts[Forecasting.Baselines.MedianOfFour], (m, b) => (m + b) / 2)];
        foreach (var f in forecasts.Values)
        {
            for (var i = 0; i < days.Length; i++)
            {
                f[i] = s.ClosedOn(days[i]) || ClosedBefore(s, origin, days[i]) ? 0 : Math.Max(0, f[i]);
            }
        }

        return forecasts;
    }

    /// <summary>
    /// A Swedish big day the shop has been closed on every time it came round in the history (at least
    /// once, with data in the days around it): closed again. Days a shop was closed before, learned per shop.
    /// </summary>
    private static bool ClosedBefore(DailySeries s, DateOnly origin, DateOnly day)
    {
        var which = SwedishDays.Of(day);
        if (which == SwedishDay.None)
        {
            return false;
        }

        var seen = 0;
        for (var year = day.Year - 1; year >= day.Year - 4; year--)
        {
            if (SwedishDays.In(which, year) is not { } then || then > origin || then < s.Start)
            {
                continue;
            }

            var around = Enumerable.Range(1, 3).Any(k => !double.IsNaN(s.At(then.AddDays(k))) || !double.IsNaN(s.At(then.AddDays(-k))));
            if (!around)
            {
                continue;
            }

            if (s.At(then) > 0)
            {
                return false;
            }

            seen++;
        }

        return seen > 0;
    }

    private static string BestOf(IEnumerable<string> methods, IReadOnlyList<Run> runs) =>
        methods.Select(m => (Method: m, Score(runs, _ => m).Mase)).OrderBy(x => double.IsNaN(x.Mase) ? double.MaxValue : x.Mase).First().Method;

    /// <summary>MASE, WAPE and the cross-fitted coverage of the method <paramref name="methodAt"/> names for each run.</summary>
    private static Accuracy Score(IReadOnlyList<Run> runs, Func<Run, string> methodAt)
    {
        double scaled = 0, absolute = 0, actualSum = 0;
        int points = 0, inside = 0, covered = 0;
        foreach (var run in runs)
        {
            var method = methodAt(run);
            var forecast = run.Forecasts[method];
            var others = runs.Where(r => r != run).ToList();
            (double Low, double High)? band = others.Count > 0 ? Quantiles([.. others.SelectMany(r => Residuals(r, method))]) : null;
            for (var i = 0; i < forecast.Length; i++)
            {
                var a = run.Actual[i];
                if (double.IsNaN(a))
                {
                    continue;
                }

                var e = Math.Abs(a - forecast[i]);
                scaled += e / run.Scale;
                absolute += e;
                actualSum += Math.Abs(a);
                points++;
                if (band is { } b)
                {
                    var (low, high) = Band(forecast[i], run.Level, run.Closed[i], b.Low, b.High);
                    inside += a >= low && a <= high ? 1 : 0;
                    covered++;
                }
            }
        }

        return points == 0
            ? Accuracy.None
            : new Accuracy(scaled / points, actualSum == 0 ? double.NaN : absolute / actualSum, covered == 0 ? double.NaN : (double)inside / covered);
    }

    private static (double Low, double High) Band(double forecast, double level, bool closed, double low, double high)
    {
        if (closed)
        {
            return (0, 0);
        }

        var unit = Math.Max(forecast, BandFloor * level);
        return (Math.Max(0, forecast + (low * unit)), forecast + (high * unit));
    }

    /// <summary>A run's errors relative to its forecast (at least a quarter of the level): what the band is made of.</summary>
    private static IEnumerable<double> Residuals(Run run, string method)
    {
        var forecast = run.Forecasts[method];
        for (var i = 0; i < forecast.Length; i++)
        {
            if (!double.IsNaN(run.Actual[i]) && !run.Closed[i])
            {
                yield return (run.Actual[i] - forecast[i]) / Math.Max(forecast[i], BandFloor * run.Level);
            }
        }
    }

    private static (double Low, double High) PooledResiduals(List<Run> runs) =>
        runs.Count == 0 ? (-0.5, 0.5) : Quantiles([.. runs.SelectMany(r => Residuals(r, Forecasting.Baselines.MeanOfFour))]);

    /// <summary>The 10th and 90th percentiles, with the finite-sample step of split conformal prediction.</summary>
    private static (double Low, double High) Quantiles(List<double> residuals)
    {
        if (residuals.Count == 0)
        {
            return (-0.5, 0.5);
        }

        residuals.Sort();
        var n = residuals.Count;
        var low = (int)Math.Floor(0.1 * (n + 1)) - 1;
        var high = (int)Math.Ceiling(0.9 * (n + 1)) - 1;
        return (residuals[Math.Clamp(low, 0, n - 1)], residuals[Math.Clamp(high, 0, n - 1)]);
    }

    /// <summary>The level used to scale bands: the last 28 days' mean, else the last year's, else 1 (never 0 or NaN).</summary>
    private static double ScaleLevel(DailySeries s, DateOnly origin)
    {
        var level = Forecasting.Baselines.Level(s, origin);
        if (level > 0)
        {
            return level;
        }

        var year = Enumerable.Range(0, 365).Select(i => s.Open(origin.AddDays(-i))).Where(v => !double.IsNaN(v)).ToList();
        return year.Count > 0 && year.Average() > 0 ? year.Average() : 1;
    }

    /// <summary>MASE's scale: the mean absolute change from a day to the same weekday a week earlier, in the history before the origin only.</summary>
    private static double NaiveScale(DailySeries s, DateOnly origin)
    {
        double sum = 0;
        var n = 0;
        for (var day = s.Start.AddDays(7); day <= origin; day = day.AddDays(1))
        {
            var a = s.Open(day);
            var b = s.Open(day.AddDays(-7));
            if (!double.IsNaN(a) && !double.IsNaN(b))
            {
                sum += Math.Abs(a - b);
                n++;
            }
        }

        return Math.Max(1e-9, n == 0 ? 0 : sum / n);
    }

    private ITransformer Train(IReadOnlyList<DailySeries> series, DateOnly knownUntil)
    {
        // Origins going back from the last one whose whole horizon was known, each a block of horizonDays rows.
        var blocks = new List<(DailySeries Series, DateOnly Origin)>();
        foreach (var s in series)
        {
            for (var origin = knownUntil.AddDays(-horizonDays); origin.AddDays(-LevelDays) >= s.Start; origin = origin.AddDays(-OriginStep))
            {
                if (Forecasting.Baselines.Level(s, origin) > 0)
                {
                    blocks.Add((s, origin));
                }
            }
        }

        // Past maxTrainingRows (hundreds of stores), a seeded random share of the blocks: the trees learn
        // the calendar's shape as well from a million rows as from ten, at a fraction of the time and memory.
        var share = maxTrainingRows > 0 ? Math.Min(1.0, (double)maxTrainingRows / Math.Max(1L, (long)blocks.Count * horizonDays)) : 1.0;
        var sample = new Random(seed);
        var rows = new List<ForecastFeatures.Row>();
        foreach (var (s, origin) in blocks)
        {
            if (share < 1 && sample.NextDouble() >= share)
            {
                continue;
            }

            var context = ForecastFeatures.At(s, origin);
            for (var h = 1; h <= horizonDays; h++)
            {
                var day = origin.AddDays(h);
                var y = s.Open(day);
                if (double.IsNaN(y) || ClosedBefore(s, origin, day))
                {
                    continue;
                }

                var row = context.Row(h);
                row.Label = (float)(y / context.Level);
                rows.Add(row);
            }
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = ml.Transforms.Concatenate("Features", ForecastFeatures.Names);
        return trainer == ForecastTrainer.LightGbm
            ? features.Append(ml.Regression.Trainers.LightGbm(labelColumnName: nameof(ForecastFeatures.Row.Label), numberOfLeaves: 31, numberOfIterations: trees, minimumExampleCountPerLeaf: 20, learningRate: 0.1)).Fit(data)
            : features.Append(ml.Regression.Trainers.FastTree(labelColumnName: nameof(ForecastFeatures.Row.Label), numberOfLeaves: 31, numberOfTrees: trees, minimumExampleCountPerLeaf: 20, learningRate: 0.1)).Fit(data);
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    /// <summary>Each series' forecast from its origin, scored in one pass (one pass per series cost a pipeline each).</summary>
    private List<double[]> Predict(ITransformer model, List<DailySeries> series, Func<DailySeries, DateOnly> originOf)
    {
        if (series.Count == 0)
        {
            return [];
        }

        var contexts = series.Select(s => ForecastFeatures.At(s, originOf(s))).ToList();
        var ml = new MLContext(seed);
        var rows = contexts.SelectMany(c => Enumerable.Range(1, horizonDays).Select(c.Row)).ToList();
        var scores = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).Select(p => p.Score).ToList();
        return [.. contexts.Select((c, i) => scores.GetRange(i * horizonDays, horizonDays).Select(score => Math.Max(0, score) * c.Level).ToArray())];
    }
}
