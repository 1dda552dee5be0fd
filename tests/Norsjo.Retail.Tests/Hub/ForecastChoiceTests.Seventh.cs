using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>Issue #17's seventh round: earlier windows' errors rescaled to the size of the last 28 days' (<see cref="Backtest.RecentRatio"/>).</summary>
public sealed partial class ForecastChoiceTests
{
    /// <summary>
    /// Ten backtest windows of 56 days, origins 28 days apart as the forecaster's (from 8 January 2023, so no
    /// day is in the Christmas stretch), a forecast of 100 and seeded normal errors: <paramref name="before"/> on
    /// the days up to the sixth origin, <paramref name="after"/> on the days after it; the last three windows,
    /// whose 28 days before their origins all have the new size, are scored.
    /// </summary>
    private static BacktestRun[] ErrorsChangeSize(int seed, double before, double after)
    {
        var random = new Random(seed);
        var first = new DateOnly(2023, 1, 8);
        var change = first.AddDays(28 * 6);
        return [.. Enumerable.Range(0, 10).Select(k =>
        {
            var origin = first.AddDays(28 * k);
            var actual = Enumerable.Range(1, 56).Select(h =>
            {
                var sd = origin.AddDays(h) <= change ? before : after;
                return 100 * (1 + (sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())));
            }).ToArray();
            return new BacktestRun(origin, actual, Scale: 10, Level: 100, new bool[56], WholeNumbers: false, Scored: k >= 7,
                new(StringComparer.Ordinal) { ["rule"] = [.. Enumerable.Repeat(100.0, 56)] });
        })];
    }

    /// <summary>The scored days' coverage with bands from whole windows, nearest weighted, Christmas apart, at 80 % as it is (no level calibration), with or without the rescaling.</summary>
    private static double ScoredCoverage(BacktestRun[] runs, bool rescaled) =>
        Backtest.Score(runs, _ => "rule", calibrate: false, wholeWindows: true, holidays: true, rescaled: rescaled).Coverage80;

    [Fact]
    public void Bands_rescaled_to_the_last_28_days_follow_errors_that_shrank_or_grew_since_the_windows_they_come_from()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            // Errors fell from 15 % to 5 %: bands from the larger errors hold nearly every day; rescaled, about 80 % (0.786–0.821).
            var calmer = ErrorsChangeSize(seed, 0.15, 0.05);
            Assert.True(ScoredCoverage(calmer, rescaled: false) > 0.95, $"seed {seed}: {ScoredCoverage(calmer, false):0.000} without the rescaling");
            Assert.InRange(ScoredCoverage(calmer, rescaled: true), 0.72, 0.88);

            // Errors grew from 5 % to 15 %: bands from the smaller errors miss about half the days; rescaled, about 80 % (0.798–0.827).
            var noisier = ErrorsChangeSize(seed, 0.05, 0.15);
            Assert.True(ScoredCoverage(noisier, rescaled: false) < 0.6, $"seed {seed}: {ScoredCoverage(noisier, false):0.000} without the rescaling");
            Assert.InRange(ScoredCoverage(noisier, rescaled: true), 0.72, 0.88);

            // Errors of one size throughout: the rescaling changes little (0.798–0.827 against 0.804–0.827).
            Assert.InRange(ScoredCoverage(ErrorsChangeSize(seed, 0.1, 0.1), rescaled: true), 0.72, 0.88);
        }
    }

    [Fact]
    public void The_recent_ratio_compares_the_same_horizons_and_is_one_with_too_few_recent_days()
    {
        // A window whose errors are 10 at horizons 1–28 and 30 at 29–56, against recent days at horizons 29–56 only (the last known day's case) of 15: half its size there.
        var origin = new DateOnly(2023, 3, 1);
        double[] actual = [.. Enumerable.Range(0, 56).Select(i => 100 + (i < 28 ? 10 : 30))];
        var run = new BacktestRun(origin, actual, Scale: 10, Level: 100, new bool[56], WholeNumbers: false, Scored: true,
            new(StringComparer.Ordinal) { ["rule"] = [.. Enumerable.Repeat(100.0, 56)] });
        bool[] later = [.. Enumerable.Range(0, 56).Select(i => i >= 28)];
        Assert.Equal(0.5, Backtest.RecentRatio(run, "rule", new Backtest.RecentErrors(0.15, later, 28), normalised: false), 9);
        // Every horizon: the window's mean error is 20 %.
        Assert.Equal(0.75, Backtest.RecentRatio(run, "rule", new Backtest.RecentErrors(0.15, [.. Enumerable.Repeat(true, 56)], 56), normalised: false), 9);
        // Fewer than 14 recent days: no rescaling.
        Assert.Equal(1, Backtest.RecentRatio(run, "rule", new Backtest.RecentErrors(0.15, later, Backtest.MinRecentDays - 1), normalised: false), 9);
    }
}
