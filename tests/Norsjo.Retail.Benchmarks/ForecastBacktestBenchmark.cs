using System.Diagnostics;
using System.Globalization;
using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// The forecaster's whole rolling-origin backtest on any daily series given as a CSV file
/// (<c>store,date,amount</c> or as <see cref="DailySeriesCsv"/> reads it; a day not in the file is missing, not 0):
/// <c>./norsjo bench forecast --csv FILE</c> (its options: <c>--help</c>, <see cref="BenchCommandLine"/>).
/// Prints, per method, MASE (median and mean over series), WAPE, the 80 % interval's coverage (mean and
/// spread over series) and the share of series where it beats the best simple baseline of that series;
/// then the targets of issue #17 against the shown forecast; with <c>--cut-offs K</c> the same again on the data cut at
/// K-1 earlier ends three months apart, and a table of the targets at each. Real series to run it on: tests/Norsjo.Retail.Benchmarks/README.md.
/// </summary>
public static class ForecastBacktestBenchmark
{
    public static Task<int> RunAsync(ForecastBacktestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (horizon, origins, bandOrigins, trainers, cap, cutOffs) = (settings.Horizon, settings.Origins, settings.BandOrigins, settings.Trainers, settings.MaxTrainingRows, settings.CutOffs);
        DailySeriesCsvResult read;
        try
        {
            read = DailySeriesCsv.Read(settings.Csv, settings.Reading);
        }
        catch (FormatException e)
        {
            // The reader's refusal names the file and line: that is the whole message, not a stack trace.
            Console.Error.WriteLine(e.Message);
            return Task.FromResult(1);
        }

        Console.WriteLine(read.Describe());
        var series = settings.MaxSeries > 0 ? [.. read.Series.Take(settings.MaxSeries)] : read.Series.ToList();
        var days = series.Sum(s => s.Values.Count(v => !double.IsNaN(v)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Forecast backtest on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Reproduce: {settings.Command}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{series.Count} series, {days:N0} known days, {series.Min(s => s.Start):yyyy-MM-dd} … {series.Max(s => s.End):yyyy-MM-dd}; {series.Sum(s => s.Values.Count(double.IsNaN)):N0} days missing inside the series"));
        // --cut-offs K: the backtest again on the file cut at its end and K-1 earlier ends, three months apart,
        // so one command says whether the targets hold at other times of the year than the file's last months.
        var (calibrate, perSeries) = (settings.CalibrateBands, settings.PerSeries);
        var end = series.Max(s => s.LastKnown ?? s.Start);
        var summary = new List<(DateOnly End, ForecastTrainer Trainer, TargetFigures Figures)>();
        for (var k = 0; k < cutOffs; k++)
        {
            var cut = end.AddMonths(-3 * k);
            var known = k == 0 ? series : [.. series.Where(s => s.Start <= cut).Select(s => Until(s, cut))];
            if (cutOffs > 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n=== cut-off {k + 1} of {cutOffs}: the data up to {cut:yyyy-MM-dd}, {known.Count} series"));
            }

            foreach (var trainer in trainers)
            {
                // With several cut-offs only the forecaster's own way is scored: the side-by-side of every way is the single run's.
                var forecaster = new DailyForecaster(horizonDays: horizon, backtestOrigins: origins, seed: 1, maxTrainingRows: cap, trainer: trainer, calibrateBands: calibrate, compareChoices: cutOffs == 1, bandOrigins: bandOrigins);
                var clock = Stopwatch.StartNew();
                var models = 0;
                var all = forecaster.Forecast(known, p => models = p.ModelsTrained);
                var forecasts = all.Where(f => !double.IsNaN(f.Shown.Mase)).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n{trainer}: {forecasts.Count} series with backtests, {models} models trained, {clock.Elapsed.TotalSeconds:N0} s"));
                PrintLeftOut(forecaster, known, all);
                if (forecasts.Count == 0)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"No series could be backtested: a backtest needs {forecaster.DaysForBacktest} days from a series' first to its last known day (--horizon {horizon}: 28 days of level and two horizons), and some change from week to week."));
                    if (k == 0)
                    {
                        return Task.FromResult(1);
                    }

                    continue;
                }

                summary.Add((cut, trainer, Report(forecaster, forecasts, perSeries)));
                ForecastCoverageDiagnosis.Print(forecasts);
            }
        }

        if (cutOffs > 1)
        {
            PrintCutOffs(summary);
        }

        return Task.FromResult(0);
    }

    /// <summary>The series the figures leave out, and why, so a file's summary never silently covers fewer series than it read.</summary>
    private static void PrintLeftOut(DailyForecaster forecaster, IReadOnlyList<DailySeries> known, IReadOnlyList<SeriesForecast> all)
    {
        var backtested = all.Where(f => !double.IsNaN(f.Shown.Mase)).Select(f => f.SeriesId).ToHashSet(StringComparer.Ordinal);
        var left = known.Where(s => !backtested.Contains(s.Id)).ToList();
        if (left.Count == 0)
        {
            return;
        }

        var tooShort = left.Where(s => s.LastKnown is not { } last || last.DayNumber - s.Start.DayNumber + 1 < forecaster.DaysForBacktest).Select(s => s.Id).ToList();
        var unchanged = left.Select(s => s.Id).Except(tooShort).ToList();
        static string Names(List<string> ids) => string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? $", … ({ids.Count} in all)" : "");
        if (tooShort.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"left out of the figures: {tooShort.Count} series shorter than the {forecaster.DaysForBacktest} days a backtest needs: {Names(tooShort)}"));
        }

        if (unchanged.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"left out of the figures: {unchanged.Count} series whose history never changes from week to week (MASE undefined): {Names(unchanged)}"));
        }
    }

    private static TargetFigures Report(DailyForecaster forecaster, List<SeriesForecast> forecasts, bool perSeries)
    {
        var rows = forecaster.Candidates.Select(m => (Name: m, Of: (Func<SeriesForecast, Accuracy>)(f => f.Methods[m])))
            .Append(("shown (chosen at each origin from before it)", f => f.Shown))
            .ToList();
        // The side-by-side of the ways of choosing and banding, on the same backtests: "shown" under each.
        var ways = forecasts.Count > 0 ? forecasts[0].ShownUnder.Keys.ToList() : [];
        rows.AddRange(ways.Select(way => ("  shown, " + way, (Func<SeriesForecast, Accuracy>)(f => f.ShownUnder[way]))));
        Console.WriteLine($"{"method",-90} {"MASE med",9} {"MASE mean",9} {"WAPE med",9} {"cov mean",9} {"cov p10–p90",13} {"cov 75–85",9} {"beats best",10}");
        foreach (var (name, of) in rows)
        {
            var mase = forecasts.Select(f => of(f).Mase).ToList();
            var coverage = forecasts.Select(f => of(f).Coverage80).Where(double.IsFinite).Order().ToList();
            var beats = forecasts.Count(f => of(f).Mase < f.Baseline.Mase);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-90} {Median(mase),9:0.000} {mase.Average(),9:0.000} {Median([.. forecasts.Select(f => of(f).Wape)]),9:0.000} {coverage.DefaultIfEmpty(double.NaN).Average(),9:0.000} {Percentile(coverage, 0.1),6:0.00}–{Percentile(coverage, 0.9),-6:0.00} {Share(coverage.Count(c => c is >= 0.75 and <= 0.85), forecasts.Count),9:P0} {Share(beats, forecasts.Count),10:P0}"));
        }

        var bestRule = DailyForecaster.Baselines.OrderBy(b => Median([.. forecasts.Select(f => f.Methods[b].Mase)])).First();
        var bestRuleMase = Median([.. forecasts.Select(f => f.Methods[bestRule].Mase)]);
        var shownMase = Median([.. forecasts.Select(f => f.Shown.Mase)]);
        var calibrated = Share(forecasts.Count(f => f.Shown.Coverage80 is >= 0.75 and <= 0.85), forecasts.Count);
        var shownBy = forecasts.GroupBy(f => f.Method).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
        Console.WriteLine($"shown per series: {string.Join(", ", shownBy)}");
        if (perSeries)
        {
            Console.WriteLine($"{"series",-40} {"shown now",-36} {"MASE",6} {"best rule",-20} {"MASE",6} {"coverage",8}");
            foreach (var f in forecasts.OrderBy(f => f.SeriesId, StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{f.SeriesId,-40} {f.Method,-36} {f.Shown.Mase,6:0.000} {f.BestBaseline,-20} {f.Baseline.Mase,6:0.000} {f.Shown.Coverage80,8:0.000}"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target 1: shown median MASE {shownMase:0.000} against the best simple rule ({bestRule}) {bestRuleMase:0.000}: {1 - (shownMase / bestRuleMase):P1} lower (target ≥ 10 %) {(shownMase <= 0.9 * bestRuleMase ? "MET" : "NOT MET")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target 2: shown 80 % intervals cover 75–85 % on {calibrated:P0} of series (target ≥ 80 %) {(calibrated >= 0.8 ? "MET" : "NOT MET")}; shown beats its series' best simple rule on {Share(forecasts.Count(f => f.Shown.Mase < f.Baseline.Mase), forecasts.Count):P0} of series"));
        return new TargetFigures(forecasts.Count, 1 - (shownMase / bestRuleMase), forecasts.Count(f => f.Shown.Coverage80 is >= 0.75 and <= 0.85));
    }

    /// <summary>What issue #17's two targets read for one backtest: the shown MASE's margin below the best rule, and the series inside 75–85 %.</summary>
    private sealed record TargetFigures(int Series, double BelowBestRule, int Inside)
    {
        public bool AccuracyMet => BelowBestRule >= 0.1;

        public bool BandsMet => Series > 0 && Inside >= 0.8 * Series;
    }

    private static void PrintCutOffs(List<(DateOnly End, ForecastTrainer Trainer, TargetFigures Figures)> summary)
    {
        Console.WriteLine("\nissue #17's targets at each cut-off (target 1: shown MASE ≥ 10 % below the best simple rule's; target 2: ≥ 80 % of series inside 75–85 %)");
        Console.WriteLine($"{"data up to",-12} {"trainer",-9} {"series",6} {"below best rule",16} {"inside 75–85",13} {"target 1",9} {"target 2",9}");
        foreach (var (end, trainer, f) in summary)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{end,-12:yyyy-MM-dd} {trainer,-9} {f.Series,6} {f.BelowBestRule,16:P1} {$"{f.Inside}/{f.Series}",13} {(f.AccuracyMet ? "met" : "NOT MET"),9} {(f.BandsMet ? "met" : "NOT MET"),9}"));
        }

        foreach (var trainer in summary.Select(x => x.Trainer).Distinct())
        {
            var runs = summary.Where(x => x.Trainer == trainer).Select(x => x.Figures).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{trainer}: target 1 met at {runs.Count(f => f.AccuracyMet)} of {runs.Count} cut-offs, target 2 at {runs.Count(f => f.BandsMet)}, both at {runs.Count(f => f.AccuracyMet && f.BandsMet)}; series inside 75–85 % summed {runs.Sum(f => f.Inside)}/{runs.Sum(f => f.Series)}"));
        }
    }

    /// <summary>The series as it was known at <paramref name="cut"/>: its days after it dropped, its closed days kept.</summary>
    private static DailySeries Until(DailySeries s, DateOnly cut) =>
        new(s.Id, s.Start, [.. s.Values.Take(cut.DayNumber - s.Start.DayNumber + 1)]) { ClosedOn = s.ClosedOn };

    private static double Share(int count, int of) => of == 0 ? double.NaN : (double)count / of;

    private static double Median(List<double> values) => Percentile([.. values.Where(double.IsFinite).Order()], 0.5);

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Round(p * (sorted.Count - 1))];
}
