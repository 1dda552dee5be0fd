using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
/// candidate on the same origins; a series shows the candidate with the lowest MASE, its own shrunk
/// towards the candidate's across all series (a few windows choose noisily). Every choice is
/// made from what was known at the time it is made (<see cref="Backtest"/>): at each scored origin the
/// candidate and its band are chosen from the earlier origins' days up to it (ten older, unscored
/// origins, sharing two models, give the first scored one a history), so the accuracy reported for what is shown counts
/// neither the choosing as skill nor any later test window.
///
/// Calendar: each Swedish big day is its own feature (<see cref="SwedishDay"/>); a day the registry's
/// opening hours close is 0 with certainty; a big day a shop has been closed on every time it came
/// round before is forecast closed. Missing days are missing: they teach nothing and score nothing,
/// and a series whose last days are missing is forecast from its last known day and says how many.
///
/// Intervals: conformal, per series, on the series' own backtest errors relative to the forecast (at
/// least a quarter of the level, so a 0 forecast on an open day still gets a band), from earlier
/// windows seen whole, the nearest weighing most (half-life of a season), at a nominal level that
/// starts at 80 % and moves day by day by the series' own misses on every realised day of every earlier
/// band (adaptive conformal inference: bands that covered too much narrow, bands that missed widen); the
/// days of the Christmas stretch (1 December – 6 January) have their own errors, apart from the rest of the
/// year's; each earlier window's errors are rescaled by how large the errors of the last 28 days were against
/// that window's at the same horizons (<see cref="Backtest.RecentRatio"/>), so a band follows a change in the
/// errors' size; the level is calibrated on the scored and the nearest two unscored windows only, the eight further
/// unscored ones giving only errors and choices (<see cref="ChoicePolicy.NearLevel"/>: a level replayed over all of them
/// over-covered); a series of whole numbers gets whole-number edges, and is calibrated on that discrete coverage.
/// MASE is scaled by the week-to-week change in the history before each origin only.
/// </summary>
/// <param name="maxTrainingRows">Rows a model trains on at most, sampled past it; 0: all (see <see cref="DefaultMaxTrainingRows"/>).</param>
/// <param name="trees">Boosting rounds per model: 200 in production; tests that check behaviour, not the last per cent of accuracy, use fewer.</param>
/// <param name="calibrateBands">False: every band at 80 % as it is, uncalibrated (the benchmark's side-by-side; production calibrates).</param>
/// <param name="compareChoices">True: also score what would be shown under each other way of choosing and banding (<see cref="SeriesForecast.ShownUnder"/>; the benchmark's side-by-side).</param>
/// <param name="bandOrigins">Unscored origins older than the scored ones (<see cref="DefaultBandOrigins"/>; 2 before issue #17's eighth round): the history choices and bands are made from (<see cref="OriginPlan"/>).</param>
public sealed class DailyForecaster(
    int horizonDays = DailyForecaster.DefaultHorizonDays, int backtestOrigins = DailyForecaster.DefaultBacktestOrigins, int seed = 1, int maxTrainingRows = DailyForecaster.DefaultMaxTrainingRows,
    ForecastTrainer trainer = ForecastTrainer.FastTree, int trees = DailyForecaster.DefaultTrees, bool calibrateBands = true, bool compareChoices = false,
    int bandOrigins = DailyForecaster.DefaultBandOrigins)
{
    /// <summary>The ways of choosing and banding the benchmark compares, by the name it prints; "(the forecaster's)" marks <see cref="ChoicePolicy.Current"/>.</summary>
    internal static readonly IReadOnlyList<(string Name, ChoicePolicy Policy)> Policies =
    [
        ("per series, every known day (before)", ChoicePolicy.PerSeries),
        ("choice shrunk towards all series", ChoicePolicy.PerSeries with { Shrunk = true }),
        ("bands from whole windows, nearest weighted", ChoicePolicy.PerSeries with { WholeWindows = true }),
        ("both, the level best on all earlier windows (before)", ChoicePolicy.FifthRound with { Adaptive = false }),
        ("both, errors in the recent spread, the level best on all earlier windows", ChoicePolicy.FifthRound with { Adaptive = false, Normalised = true }),
        ("both + adaptive level, errors in the recent spread", ChoicePolicy.FifthRound with { Normalised = true }),
        ("both + adaptive level (the fifth round's)", ChoicePolicy.FifthRound),
        ("both + adaptive level, Christmas errors apart", ChoicePolicy.FifthRound with { Holidays = true }),
        ("both + adaptive level moved every day", ChoicePolicy.FifthRound with { EveryDay = true }),
        ("both + adaptive level moved every day, Christmas errors apart (the sixth round's)", ChoicePolicy.SixthRound),
        ("the sixth round's, errors rescaled to the last 28 days' size (the seventh round's)", ChoicePolicy.SeventhRound),
        ("the sixth round's, errors rescaled to the last 28 days' size, at 80 % as it is", ChoicePolicy.SeventhRound with { FixedLevel = true }),
        ("the seventh round's, level calibrated without the further windows (the forecaster's)", ChoicePolicy.Current),
    ];

    public const int DefaultTrees = 200;

    /// <summary>Days forecast ahead: eight weeks.</summary>
    public const int DefaultHorizonDays = 56;

    /// <summary>Scored backtest origins, <see cref="OriginSpacing"/> days apart.</summary>
    public const int DefaultBacktestOrigins = 6;

    /// <summary>The intervals' level: 80 % of days inside.</summary>
    public const double IntervalLevel = 0.8;

    /// <summary>About 250 series' worth of three years (40 stores): below it every row is used.</summary>
    public const int DefaultMaxTrainingRows = 1_000_000;

    public const string ModelName = "fasttree-global";
    public const string LightGbmName = "lightgbm-global";
    public const string BaselineName = Forecasting.Baselines.SeasonalNaive;
    public const string FeatureVersion = "calendar-v5";
    private const int LevelDays = 28;
    private const int OriginStep = 14;
    /// <summary>Days between two backtest origins.</summary>
    public const int OriginSpacing = 28;

    public static IReadOnlyList<string> Baselines => Forecasting.Baselines.All;

    /// <summary>Days from a series' first to its last known day it needs for a backtest: a level's 28 days, a window to learn from and one to score.</summary>
    public int DaysForBacktest => LevelDays + (2 * horizonDays);

    /// <summary>This forecaster's model, by the trainer it uses.</summary>
    public string Model => trainer == ForecastTrainer.LightGbm ? LightGbmName : ModelName;

    /// <summary>Every candidate a series can show: the baselines, the model, and the model averaged with each four-weekday rule.</summary>
    public IReadOnlyList<string> Candidates => [.. Baselines, Model, Model + "+" + Forecasting.Baselines.MeanOfFour, Model + "+" + Forecasting.Baselines.MedianOfFour];

    /// <summary>
    /// The nearest origins older than the scored ones that share one model (trained before both): the
    /// history the first scored origin's method and band were chosen from until issue #17's eighth round.
    /// </summary>
    internal const int InnerOrigins = 2;

    /// <summary>
    /// Unscored origins in all, four weeks apart, older than the scored ones: the two nearest
    /// (<see cref="InnerOrigins"/>) and eight more further back, sharing one more model, so a band's history
    /// (its adaptive level, its Christmas pool) and a choice hold about a year and a half of windows at the
    /// first scored origin, for one model more (issue #17's eighth round: six scored windows alone were too
    /// few; the sixth round's fourteen met target 2 where six did not). The errors of the further windows'
    /// older model are rescaled to the last 28 days' size like every window's (<see cref="Backtest.RecentRatio"/>);
    /// the band's level is calibrated without them (<see cref="ChoicePolicy.NearLevel"/>). Ten cut-off backtests: 252 of
    /// 305 series inside 75–85 % against 248 with two; 215 with the level replayed over all sixteen windows (README, eighth round).
    /// </summary>
    public const int DefaultBandOrigins = 10;

    /// <summary>One backtest origin: whether it is scored, and the last day its model knows (never after the origin).</summary>
    /// <param name="Further">Unscored, past the nearest <see cref="InnerOrigins"/> (<see cref="BacktestRun.Further"/>).</param>
    internal readonly record struct PlannedOrigin(DateOnly Origin, bool Scored, DateOnly TrainedUntil, bool Further = false);

    /// <summary>
    /// The backtest's origins, newest first, 28 days apart from <paramref name="horizonDays"/> before the last
    /// known day: <paramref name="scored"/> scored ones, each with a model of its own trained up to it, then
    /// <paramref name="unscored"/> older ones, the nearest <see cref="InnerOrigins"/> sharing one model and the rest
    /// another, each shared model trained up to the oldest origin it serves, so no day after an origin reaches
    /// its forecast. An origin no series can be tested at (<paramref name="testable"/>) is left out, so a short
    /// series simply has fewer; so is an unscored one past the nearest two whose group's model would have nothing
    /// to learn from (<paramref name="trainable"/>).
    /// </summary>
    internal static List<PlannedOrigin> OriginPlan(DateOnly last, int horizonDays, int scored, int unscored, Func<DateOnly, bool> testable, Func<DateOnly, bool> trainable)
    {
        var origins = Enumerable.Range(0, scored + Math.Max(0, unscored))
            .Select(k => (Origin: last.AddDays(-horizonDays - (k * OriginSpacing)), Group: k < scored ? -1 : k < scored + InnerOrigins ? 0 : 1))
            .Where(o => testable(o.Origin) && (o.Group < 1 || trainable(o.Origin)))
            .ToList();
        DateOnly OldestOf(int group) => origins.Where(o => o.Group == group).Min(o => o.Origin);
        return [.. origins.Select(o => new PlannedOrigin(o.Origin, o.Group < 0, o.Group < 0 ? o.Origin : OldestOf(o.Group), o.Group > 0))];
    }

    /// <param name="progress">Told after each model is trained (the long part: one per scored origin, one
    /// for each group of unscored origins, one on everything known), with how many of how many are done.</param>
    public IReadOnlyList<SeriesForecast> Forecast(IReadOnlyList<DailySeries> series, Action<ForecastProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var usable = series.Where(s => s.LastKnown is { } known && known.DayNumber - s.Start.DayNumber + 1 >= DaysForBacktest).ToList();
        var runs = new Dictionary<DailySeries, List<BacktestRun>>(ReferenceEqualityComparer.Instance);
        var (models, trained) = (1, 0);
        var blockRows = new TrainingBlocks();
        var told = new Lock();
        ITransformer Trained(DateOnly knownUntil)
        {
            var model = Train(usable, knownUntil, blockRows);
            lock (told)
            {
                progress?.Invoke(new ForecastProgress(++trained, models, usable.Count));
            }

            return model;
        }

        // Every model the backtests and the forecast need, by the last day it knows, trained side by side (ParallelTrainings).
        var byKnownUntil = new Dictionary<DateOnly, ITransformer>();
        void TrainAll(IReadOnlyList<DateOnly> knownUntil)
        {
            var fitted = new ITransformer[knownUntil.Count];
            Parallel.For(0, knownUntil.Count, new ParallelOptions { MaxDegreeOfParallelism = ParallelTrainings }, k => fitted[k] = Trained(knownUntil[k]));
            for (var k = 0; k < fitted.Length; k++)
            {
                byKnownUntil[knownUntil[k]] = fitted[k];
            }
        }

        foreach (var s in usable)
        {
            runs[s] = [];
        }

        if (usable.Count > 0)
        {
            var last = usable.Max(s => s.LastKnown!.Value);
            List<DailySeries> TestedAt(DateOnly origin) => [.. usable.Where(s => origin.AddDays(-LevelDays) >= s.Start && origin < s.LastKnown && !double.IsNaN(Forecasting.Baselines.Level(s, origin)))];
            // A model trained up to a day learns from origins a horizon before it with 28 days of level (Train).
            bool Trainable(DateOnly knownUntil) => usable.Any(s => knownUntil.AddDays(-horizonDays - LevelDays) >= s.Start);
            var origins = OriginPlan(last, horizonDays, backtestOrigins, bandOrigins, o => TestedAt(o).Count > 0, Trainable);
            // A scored origin's model is trained up to it, an unscored one's up to its group's oldest origin, the final one on everything.
            models = origins.Select(o => o.TrainedUntil).Distinct().Count() + 1;
            TrainAll([.. origins.Select(o => o.TrainedUntil).Append(last).Distinct()]);
            foreach (var (origin, scored, trainedUntil, further) in origins)
            {
                var tested = TestedAt(origin);
                var model = byKnownUntil[trainedUntil];
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

                    var level = ScaleLevel(s, origin);
                    runs[s].Add(new BacktestRun(origin, actual, NaiveScale(s, origin), level, [.. days.Select(d => ClosedBefore(s, origin, d))],
                        Backtest.WholeNumbers(s, origin), scored, CandidateForecasts(s, origin, days, predicted[i]))
                    { Spread = Backtest.Spread(s, origin, level), Further = further });
                }
            }
        }

        var finalModel = usable.Count > 0 ? byKnownUntil[usable.Max(s => s.LastKnown!.Value)] : null;
        var finalPredicted = finalModel is null ? [] : Predict(finalModel, usable, s => s.LastKnown!.Value);
        var pooled = PooledResiduals([.. runs.Values.SelectMany(r => r)]);
        var across = AcrossAllSeries([.. runs.Values]);
        var result = new List<SeriesForecast>();
        foreach (var s in series)
        {
            var index = usable.IndexOf(s);
            var seriesRuns = index >= 0 ? runs[s] : [];
            result.Add(seriesRuns.Any(r => r.Scored)
                ? Shown(s, seriesRuns, finalPredicted[index], across)
                : WithoutBacktest(s, pooled));
        }

        return result;
    }

    /// <summary>
    /// What is shown for a series with backtests: the candidate with the lowest MASE on everything known
    /// at its last day, with its band; and the accuracies behind it, each origin's choice and band made
    /// from what was known at that origin (choosing is not counted as skill, and no test window steers it).
    /// </summary>
    private SeriesForecast Shown(DailySeries s, List<BacktestRun> backtests, double[] modelFinal, AcrossSeries across)
    {
        // Every score and band below reads the same runs: their pools and levels are worked out once (BacktestHistory).
        var runs = new BacktestHistory(backtests);
        var policy = ChoicePolicy.Current;
        var accuracy = Candidates.ToDictionary(m => m, m => Backtest.Score(runs, _ => m, policy, calibrateBands), StringComparer.Ordinal);
        var bestBaseline = Baselines.Select(m => (Method: m, accuracy[m].Mase)).OrderBy(x => double.IsNaN(x.Mase) ? double.MaxValue : x.Mase).First().Method;
        var origin = s.LastKnown!.Value;
        var best = Backtest.BestAt(Candidates, runs, origin, across);
        var days = Enumerable.Range(1, horizonDays).Select(h => origin.AddDays(h)).ToArray();
        var point = CandidateForecasts(s, origin, days, modelFinal)[best];
        BandShape BandOf(bool christmas) => Backtest.BandAt(runs, best, origin, Backtest.WholeNumbers(s, origin), policy, calibrateBands, christmas);
        var calm = BandOf(false);
        var christmas = policy.Holidays ? BandOf(true) : calm;
        var level = ScaleLevel(s, origin);
        var spread = Backtest.Spread(s, origin, level);
        var points = days.Select((d, i) => Point(s, origin, d, i + 1, point[i], f => Backtest.Unit(f, level, spread, policy.Normalised), SwedishCalendar.IsChristmasStretch(d) ? christmas : calm)).ToList();
        string ChosenAt(BacktestRun run, ChoicePolicy p) => Backtest.BestAt(Candidates, runs, run.Origin, p.Shrunk ? across : null);
        Accuracy ShownUnder(ChoicePolicy p) =>
            Backtest.Score(runs, run => ChosenAt(run, p), p, calibrateBands);
        return new SeriesForecast(s.Id, best, accuracy[Model], accuracy[bestBaseline], points)
        {
            Shown = ShownUnder(policy),
            ShownUnder = compareChoices ? Policies.ToDictionary(p => p.Name, p => ShownUnder(p.Policy), StringComparer.Ordinal) : new Dictionary<string, Accuracy>(),
            ShownWindows = compareChoices
                ? Policies.ToDictionary(p => p.Name, p => (IReadOnlyList<WindowScore>)Backtest.Windows(runs, run => ChosenAt(run, p.Policy), p.Policy, calibrateBands), StringComparer.Ordinal)
                : new Dictionary<string, IReadOnlyList<WindowScore>>(),
            BestBaseline = bestBaseline,
            Methods = accuracy,
            MissingDays = s.MissingDays,
        };
    }

    /// <summary>Each candidate's MASE at a time as the mean over the series that had days by then (remembered: every series asks for the same origins).</summary>
    private static AcrossSeries AcrossAllSeries(List<List<BacktestRun>> runs)
    {
        var known = new Dictionary<(string, DateOnly), double>();
        return (method, at) =>
        {
            if (!known.TryGetValue((method, at), out var mase))
            {
                var each = runs.Select(r => Backtest.MaseAt(r, method, at)).Where(m => !double.IsNaN(m)).ToList();
                mase = known[(method, at)] = each.Count == 0 ? double.NaN : each.Average();
            }

            return mase;
        };
    }

    /// <summary>Too short a history for backtests: the mean of the last four same weekdays, with a band from all series' errors.</summary>
    private SeriesForecast WithoutBacktest(DailySeries s, BandShape pooled)
    {
        if (s.LastKnown is not { } origin)
        {
            return new SeriesForecast(s.Id, Forecasting.Baselines.MeanOfFour, Accuracy.None, Accuracy.None, []) { BestBaseline = Forecasting.Baselines.MeanOfFour, MissingDays = s.MissingDays };
        }

        var level = ScaleLevel(s, origin);
        var band = pooled with { WholeNumbers = Backtest.WholeNumbers(s, origin) };
        var points = Enumerable.Range(1, horizonDays)
            .Select(h =>
            {
                var day = origin.AddDays(h);
                var f = Forecasting.Baselines.Forecast(Forecasting.Baselines.MeanOfFour, s, origin, day);
                return Point(s, origin, day, h, double.IsNaN(f) ? level : f, x => Backtest.Unit(x, level, double.NaN, normalised: false), band);
            })
            .ToList();
        return new SeriesForecast(s.Id, Forecasting.Baselines.MeanOfFour, Accuracy.None, Accuracy.None, points)
        {
            BestBaseline = Forecasting.Baselines.MeanOfFour,
            MissingDays = s.MissingDays,
        };
    }

    /// <param name="unitOf">What the band's errors are measured in for a forecast (<see cref="Backtest.Unit"/>).</param>
    private static ForecastPoint Point(DailySeries s, DateOnly origin, DateOnly day, int horizon, double forecast, Func<double, double> unitOf, BandShape band)
    {
        if (s.ClosedOn(day) || ClosedBefore(s, origin, day))
        {
            return new ForecastPoint(day, horizon, 0, 0, 0, Closed: true);
        }

        var p = Math.Max(0, forecast);
        var (lower, upper) = Backtest.Bounds(p, unitOf(p), false, band);
        return new ForecastPoint(day, horizon, p, lower, upper);
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
        var closed = Array.ConvertAll(days, d => s.ClosedOn(d) || ClosedBefore(s, origin, d));
        foreach (var f in forecasts.Values)
        {
            for (var i = 0; i < days.Length; i++)
            {
                f[i] = closed[i] ? 0 : Math.Max(0, f[i]);
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

    /// <summary>The band of a series without backtests: all series' errors of the mean of four weekdays, at 80 %.</summary>
    private static BandShape PooledResiduals(List<BacktestRun> runs)
    {
        var residuals = runs.Count == 0 ? [] : Backtest.Residuals(runs, Forecasting.Baselines.MeanOfFour, DateOnly.MaxValue, wholeWindows: false);
        return residuals.Count == 0 ? new BandShape(-0.5, 0.5, false) : Backtest.Shape(residuals, Backtest.Target, false);
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

    /// <summary>
    /// MASE's scale: the mean absolute change from a day to the same weekday a week earlier, in the history before the
    /// origin only. A history that never changed (a category never sold) has none: MASE is undefined there (NaN), not
    /// the error over a tiny number, which made one such series' MASE 400 million and its rules' 0.
    /// </summary>
    private static double NaiveScale(DailySeries s, DateOnly origin) => Backtest.WeekToWeek(s, s.Start, origin).Mean is var mean && mean > 0 ? mean : double.NaN;

    /// <summary>
    /// A block's training rows (one series at one origin, labelled, closed and missing days left out) are the same for every
    /// model that learns from it, and the models' origins lie on one 14-day grid, so each later model's blocks hold the
    /// earlier ones': a block's rows are built once, kept under its series (by reference) and origin. Only while every
    /// row is used (at most maxTrainingRows of them, the memory the model's data takes anyway); past it each model samples
    /// other blocks, and they are built afresh.
    /// </summary>
    private sealed class TrainingBlocks
    {
        private readonly ConcurrentDictionary<(DailySeries Series, DateOnly Origin), List<ForecastFeatures.Row>> rows = new(new BlockComparer());

        /// <summary>The block's rows, built if no model built them before; two models training side by side may both build one (the same rows), and the first kept is kept.</summary>
        public List<ForecastFeatures.Row> Of(DailySeries s, DateOnly origin, bool keep, Func<List<ForecastFeatures.Row>> build)
        {
            if (rows.TryGetValue((s, origin), out var known))
            {
                return known;
            }

            var built = build();
            return keep ? rows.GetOrAdd((s, origin), built) : built;
        }

        private sealed class BlockComparer : IEqualityComparer<(DailySeries Series, DateOnly Origin)>
        {
            public bool Equals((DailySeries Series, DateOnly Origin) x, (DailySeries Series, DateOnly Origin) y) => ReferenceEquals(x.Series, y.Series) && x.Origin == y.Origin;

            public int GetHashCode((DailySeries Series, DateOnly Origin) block) => HashCode.Combine(RuntimeHelpers.GetHashCode(block.Series), block.Origin);
        }
    }

    /// <summary>
    /// Models trained at once: two. FastTree keeps about 1.5 of two cores busy on its own (the nightly bench: 151 s CPU in 104 s), and the
    /// models are independent (each its own seeded context, the same rows), so two side by side fill the cores and give the same trees.
    /// </summary>
    private const int ParallelTrainings = 2;

    private ITransformer Train(IReadOnlyList<DailySeries> series, DateOnly knownUntil, TrainingBlocks blockRows)
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

            rows.AddRange(blockRows.Of(s, origin, share >= 1, () => BlockRows(s, origin)));
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = ml.Transforms.Concatenate("Features", ForecastFeatures.Names);
        return trainer == ForecastTrainer.LightGbm
            ? features.Append(ml.Regression.Trainers.LightGbm(labelColumnName: nameof(ForecastFeatures.Row.Label), numberOfLeaves: 31, numberOfIterations: trees, minimumExampleCountPerLeaf: 20, learningRate: 0.1)).Fit(data)
            : features.Append(ml.Regression.Trainers.FastTree(labelColumnName: nameof(ForecastFeatures.Row.Label), numberOfLeaves: 31, numberOfTrees: trees, minimumExampleCountPerLeaf: 20, learningRate: 0.1)).Fit(data);
    }

    /// <summary>One block's training rows: the days after <paramref name="origin"/> known and not closed before, each labelled.</summary>
    private List<ForecastFeatures.Row> BlockRows(DailySeries s, DateOnly origin)
    {
        var context = ForecastFeatures.At(s, origin);
        var rows = new List<ForecastFeatures.Row>(horizonDays);
        for (var h = 1; h <= horizonDays; h++)
        {
            var day = origin.AddDays(h);
            var y = s.Open(day);
            if (double.IsNaN(y) || ClosedBefore(s, origin, day))
            {
                continue;
            }

            var row = context.Row(h);
            row.Label = ForecastFeatures.ToLabel(y, context.Level);
            rows.Add(row);
        }

        return rows;
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
        return [.. contexts.Select((c, i) => scores.GetRange(i * horizonDays, horizonDays).Select(score => ForecastFeatures.FromLabel(score, c.Level)).ToArray())];
    }
}
