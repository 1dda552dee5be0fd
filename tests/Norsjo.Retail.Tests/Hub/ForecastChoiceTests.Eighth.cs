using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>Issue #17's eighth round: more unscored origins further back, sharing one more model (<see cref="DailyForecaster.OriginPlan"/>).</summary>
public sealed partial class ForecastChoiceTests
{
    private static readonly DateOnly LastKnown = new(2024, 6, 30);

    [Fact]
    public void Unscored_origins_further_back_share_one_more_model_and_none_is_forecast_by_a_model_that_knew_a_later_day()
    {
        var plan = DailyForecaster.OriginPlan(LastKnown, 56, scored: 6, unscored: 10, _ => true, _ => true);

        Assert.Equal(16, plan.Count);
        Assert.All(plan, o => Assert.True(o.TrainedUntil <= o.Origin, $"{o.Origin}: forecast by a model trained up to {o.TrainedUntil}"));
        Assert.All(plan.Where(o => o.Scored), o => Assert.Equal(o.Origin, o.TrainedUntil));
        Assert.Equal(6, plan.Count(o => o.Scored));
        // Newest first, 28 days apart, the scored ones the same six as with two unscored origins.
        Assert.Equal(plan.Select((o, k) => LastKnown.AddDays(-56 - (28 * k))), plan.Select(o => o.Origin));
        var before = DailyForecaster.OriginPlan(LastKnown, 56, scored: 6, unscored: 2, _ => true, _ => true);
        Assert.Equal(before.Where(o => o.Scored), plan.Where(o => o.Scored));
        // The two nearest unscored origins keep their model of before; the eight further back share one trained up to the oldest of them.
        var unscored = plan.Where(o => !o.Scored).ToList();
        Assert.Equal(before.Where(o => !o.Scored), unscored.Take(2));
        Assert.All(unscored.Skip(2), o => Assert.Equal(unscored[^1].Origin, o.TrainedUntil));
        Assert.All(plan, o => Assert.Equal(!o.Scored && o.TrainedUntil == unscored[^1].Origin, o.Further));
        Assert.Equal(6 + 2, plan.Select(o => o.TrainedUntil).Distinct().Count());
    }

    [Fact]
    public void A_history_too_short_for_the_further_origins_simply_has_fewer_and_the_shared_model_still_comes_before_them()
    {
        // Series testable from 1 June 2023 on; the further origins' model can learn from origins from 1 August 2023 on.
        var testableFrom = new DateOnly(2023, 6, 1);
        var trainableFrom = new DateOnly(2023, 8, 1);
        var plan = DailyForecaster.OriginPlan(LastKnown, 56, scored: 6, unscored: 10, o => o >= testableFrom, o => o >= trainableFrom);

        Assert.All(plan, o => Assert.True(o.Origin >= testableFrom));
        Assert.All(plan.Where(o => !o.Scored).Skip(DailyForecaster.InnerOrigins), o => Assert.True(o.TrainedUntil >= trainableFrom && o.TrainedUntil <= o.Origin));
        Assert.InRange(plan.Count(o => !o.Scored), DailyForecaster.InnerOrigins + 1, 9);
        Assert.Equal(6, plan.Count(o => o.Scored));

        // Too short for any further origin: as before, the nearest two only.
        var short_ = DailyForecaster.OriginPlan(LastKnown, 56, scored: 6, unscored: 10, o => o >= LastKnown.AddDays(-56 - (28 * 7)), _ => true);
        Assert.Equal(DailyForecaster.InnerOrigins, short_.Count(o => !o.Scored));
    }

    [Fact]
    public void With_the_level_near_the_further_windows_are_in_the_band_but_not_in_its_level()
    {
        // Errors of 15 % in the first six windows (marked further), 5 % after: the level replayed over all windows differs from the one over the near ones.
        var runs = ErrorsChangeSize(1, 0.15, 0.05).Select((r, k) => r with { Further = k < 6 }).ToArray();
        var at = runs[^1].Origin;
        var near = runs.Where(r => !r.Further).ToArray();
        var all = Backtest.AdaptiveLevelAt(runs, "rule", at, holidays: true, everyDay: true, rescaled: true);
        var nearOnly = Backtest.AdaptiveLevelAt(near, "rule", at, holidays: true, everyDay: true, rescaled: true);
        Assert.NotEqual(all, nearOnly);

        var band = Backtest.BandAt(runs, "rule", at, false, wholeWindows: true, adaptive: true, holidays: true, everyDay: true, rescaled: true, nearLevel: true);
        var expected = Backtest.Shape(Backtest.Pools(runs, "rule", at, wholeWindows: true, normalised: false, holidays: true, rescaled: true).Calm, nearOnly, false);
        Assert.Equal(expected, band);
        Assert.Equal(Backtest.Shape(Backtest.Pools(runs, "rule", at, wholeWindows: true, normalised: false, holidays: true, rescaled: true).Calm, all, false),
            Backtest.BandAt(runs, "rule", at, false, wholeWindows: true, adaptive: true, holidays: true, everyDay: true, rescaled: true));
    }

    [Fact]
    public void The_forecaster_trains_one_model_more_for_the_further_origins_and_a_short_series_beside_a_long_one_still_forecasts()
    {
        // Two years of counts and a series of 300 days (too short for the further origins) ending on the same day.
        var longSeries = Counts("long", 730, 31, 6);
        var young = Counts("young", 730, 32, 6);
        young = new DailySeries("young", young.Start.AddDays(430), [.. young.Values.Skip(430)]);
        var models = new Dictionary<int, int>();
        foreach (var unscored in new[] { 2, 10 })
        {
            var total = 0;
            var forecasts = new DailyForecaster(horizonDays: 28, backtestOrigins: 6, seed: 5, trees: 20, bandOrigins: unscored).Forecast([longSeries, young], p => total = p.Models);
            models[unscored] = total;
            Assert.All(forecasts, f => Assert.False(double.IsNaN(f.Shown.Mase), $"{f.SeriesId}: no backtest with {unscored} unscored origins"));
            Assert.All(forecasts.SelectMany(f => f.Points), p => Assert.InRange(p.Point, p.Lower, p.Upper));
        }

        // Six scored, one for the nearest two unscored, one on everything known; and one for the further eight.
        Assert.Equal(8, models[2]);
        Assert.Equal(9, models[10]);
    }
}
