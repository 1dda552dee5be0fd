using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>The remembered pools and levels of <see cref="BacktestHistory"/> (a speed change): the same figures as worked out afresh, each series its own.</summary>
public sealed class BacktestHistoryTests
{
    /// <summary>Fourteen 56-day windows 28 days apart across a Christmas, seeded normal errors of <paramref name="size"/>, the first four further unscored, the last six scored.</summary>
    private static BacktestRun[] Runs(int seed, double size)
    {
        var random = new Random(seed);
        var first = new DateOnly(2022, 6, 5);
        return [.. Enumerable.Range(0, 14).Select(k =>
        {
            var origin = first.AddDays(28 * k);
            var actual = Enumerable.Range(1, 56).Select(_ => 100 * (1 + (size * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))).ToArray();
            return new BacktestRun(origin, actual, Scale: 10, Level: 100, new bool[56], WholeNumbers: false, Scored: k >= 8,
                new(StringComparer.Ordinal) { ["rule"] = [.. Enumerable.Repeat(100.0, 56)], ["other"] = [.. Enumerable.Repeat(95.0, 56)] })
            { Further = k < 4 };
        })];
    }

    [Fact]
    public void A_history_scores_as_its_runs_do_and_never_with_another_series_remembered_work()
    {
        var calm = Runs(1, 0.05);
        var wild = Runs(2, 0.3);
        var (calmHistory, wildHistory) = (new BacktestHistory(calm), new BacktestHistory(wild));
        foreach (var (_, policy) in DailyForecaster.Policies)
        {
            foreach (var method in new[] { "rule", "other" })
            {
                var calmScore = Backtest.Score(calm, _ => method, policy, calibrate: true);
                var wildScore = Backtest.Score(wild, _ => method, policy, calibrate: true);
                Assert.NotEqual(calmScore.Coverage80, wildScore.Coverage80 + 1);
                // Asked in turn and twice: each history gives its own runs' figures, exactly.
                Assert.Equal(calmScore, Backtest.Score(calmHistory, _ => method, policy, calibrate: true));
                Assert.Equal(wildScore, Backtest.Score(wildHistory, _ => method, policy, calibrate: true));
                Assert.Equal(calmScore, Backtest.Score(calmHistory, _ => method, policy, calibrate: true));
                var at = calm[^1].Origin.AddDays(56);
                Assert.Equal(Backtest.BandAt(calm, method, at, false, policy, true, christmasDay: true), Backtest.BandAt(calmHistory, method, at, false, policy, true, christmasDay: true));
                Assert.Equal(Backtest.BandAt(wild, method, at, false, policy, true, christmasDay: false), Backtest.BandAt(wildHistory, method, at, false, policy, true, christmasDay: false));
            }
        }

        // The two series' bands differ, so a history answering with the other's would have been seen.
        var last = calm[^1].Origin.AddDays(56);
        Assert.NotEqual(Backtest.BandAt(calmHistory, "rule", last, false, ChoicePolicy.Current, true, false), Backtest.BandAt(wildHistory, "rule", last, false, ChoicePolicy.Current, true, false));
    }

    [Fact]
    public void A_history_is_a_copy_of_the_runs_it_was_made_from()
    {
        var list = Runs(3, 0.1).ToList();
        var history = new BacktestHistory(list);
        list.RemoveAt(0);
        Assert.Equal(14, history.Count);
        Assert.Equal(10, history.Near.Count);
    }
}
