using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>Issue #17's sixth round: the Christmas stretch's errors apart, and the adaptive level moved by every realised day.</summary>
public sealed partial class ForecastChoiceTests
{
    /// <summary>
    /// Two years of 28-day backtest windows up to <see cref="At"/>, a forecast of 100 and seeded normal
    /// errors: 30 % on the days of the Christmas stretch, 5 % on every other day; the last 14 windows scored.
    /// </summary>
    private static BacktestRun[] TwoChristmases(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 26).Select(k =>
        {
            var origin = At.AddDays(-28 * (26 - k));
            var actual = Enumerable.Range(1, 28).Select(h =>
            {
                var sd = SwedishCalendar.IsChristmasStretch(origin.AddDays(h)) ? 0.3 : 0.05;
                return 100 * (1 + (sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())));
            }).ToArray();
            return new BacktestRun(origin, actual, Scale: 10, Level: 100, new bool[28], WholeNumbers: false, Scored: k >= 12,
                new(StringComparer.Ordinal) { ["rule"] = [.. Enumerable.Repeat(100.0, 28)] });
        })];
    }

    /// <summary>The scored days' coverage under the forecaster's bands, calm days and the Christmas stretch's apart.</summary>
    private static (double Calm, double Christmas) CoverageByKind(BacktestRun[] runs, bool holidays)
    {
        var inside = new Dictionary<bool, (int In, int Of)> { [false] = (0, 0), [true] = (0, 0) };
        foreach (var run in runs.Where(r => r.Scored))
        {
            for (var i = 0; i < run.Actual.Length; i++)
            {
                var christmas = SwedishCalendar.IsChristmasStretch(run.Day(i));
                var band = Backtest.BandAt(runs, "rule", run.Origin, false, wholeWindows: true, adaptive: true, holidays: holidays, christmasDay: christmas);
                var (lower, upper) = Backtest.Bounds(100, run.Unit(100, false), false, band);
                var (n, of) = inside[christmas];
                inside[christmas] = (n + (run.Actual[i] >= lower && run.Actual[i] <= upper ? 1 : 0), of + 1);
            }
        }

        return ((double)inside[false].In / inside[false].Of, (double)inside[true].In / inside[true].Of);
    }

    [Fact]
    public void The_Christmas_stretch_has_its_own_errors_so_calm_days_are_not_widened_and_Christmas_is_not_narrowed()
    {
        Assert.True(SwedishCalendar.IsChristmasStretch(new DateOnly(2023, 12, 1)) && SwedishCalendar.IsChristmasStretch(new DateOnly(2024, 1, 6)));
        Assert.False(SwedishCalendar.IsChristmasStretch(new DateOnly(2023, 11, 30)) || SwedishCalendar.IsChristmasStretch(new DateOnly(2024, 1, 7)));
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var runs = TwoChristmases(seed);
            var mixed = CoverageByKind(runs, holidays: false);
            var apart = CoverageByKind(runs, holidays: true);

            // One pool: Christmas's errors, six times the rest, leave its days outside the band far more often than 20 %.
            Assert.True(mixed.Christmas < 0.6, $"seed {seed}: Christmas covered {mixed.Christmas:0.000} from one pool");
            // Its own pool, from last year's Christmas: about 80 %.
            Assert.InRange(apart.Christmas, 0.65, 0.97);
            // Calm days from calm days' errors: about 80 %, and narrower than with Christmas's errors among them (0.865–0.879).
            Assert.InRange(apart.Calm, 0.72, 0.88);
            Assert.True(apart.Calm < mixed.Calm, $"seed {seed}: calm days covered {apart.Calm:0.000} apart against {mixed.Calm:0.000} from one pool");
        }
    }

    [Fact]
    public void The_adaptive_level_moved_every_day_reads_the_days_of_a_half_seen_window_and_nothing_after_the_origin()
    {
        // Errors shrinking window by window (each window's band holds every day), then a window from At − 7 whose 7 days seen by At all miss.
        var calming = Windows(8, k => 0.4 - (0.04 * k));
        var runs = calming.Append(Run(At.AddDays(-7), d => 100 * (1 + (0.9 * (d.DayNumber % 2 == 0 ? 1 : -1))), _ => 100, _ => 100)).ToArray();

        // Window by window, whole windows only: the half-seen window does not count.
        var whole = Backtest.AdaptiveLevelAt(runs, "good-before", At);
        Assert.Equal(Backtest.Target - (6 * 14 * Backtest.AdaptiveStep * (1 - Backtest.Target)), whole, 9);
        // Every day: the same days of the whole windows, and the half-seen window's 7 misses raise it by 7 × 0.01 × 0.8.
        Assert.Equal(whole, Backtest.AdaptiveLevelAt(calming, "good-before", At, everyDay: true), 9);
        Assert.Equal(whole + (7 * Backtest.AdaptiveStep * Backtest.Target), Backtest.AdaptiveLevelAt(runs, "good-before", At, everyDay: true), 9);
    }
}
