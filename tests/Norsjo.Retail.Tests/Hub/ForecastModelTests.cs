using Norsjo.Retail.Hub.Forecasting;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>What the global model learns from series whose days are not spread evenly around their mean.</summary>
public sealed class ForecastModelTests(ITestOutputHelper output)
{
    /// <summary>
    /// A drug group that sells its usual few packs a day and, on one day in twenty, twenty times as much
    /// (a clinic's order): the mean is about twice the typical day. Seeded.
    /// </summary>
    private static DailySeries Spiky(string id, double usual, int seed)
    {
        var random = new Random(seed);
        var start = new DateOnly(2023, 1, 2);
        double[] weekly = [0.6, 1.0, 1.05, 1.0, 1.1, 1.2, 0.9]; // Sunday … Saturday
        return new DailySeries(id, start, [.. Enumerable.Range(0, 800).Select(i =>
        {
            var v = usual * weekly[(int)start.AddDays(i).DayOfWeek] * (1 + (0.1 * (random.NextDouble() - 0.5)));
            return random.NextDouble() < 0.05 ? 20 * v : v;
        })]);
    }

    [Fact]
    public void On_series_with_rare_big_days_the_model_forecasts_the_typical_day_that_an_absolute_error_rewards()
    {
        var series = new[] { Spiky("a", 10, 31), Spiky("b", 40, 32), Spiky("c", 160, 33) };

        var forecasts = new DailyForecaster(horizonDays: 28, backtestOrigins: 2, seed: 5, trees: 50).Forecast(series);

        foreach (var f in forecasts)
        {
            var model = f.Methods[DailyForecaster.ModelName];
            var meanOfFour = f.Methods[Baselines.MeanOfFour];
            output.WriteLine($"{f.SeriesId}: model MASE {model.Mase:F3}, mean of 4 {meanOfFour.Mase:F3}");
            // Fitted to the mean (squared error on sales over the level), the model is about as far off as the mean of
            // four weekdays, which a big day also pulls up; nearer the typical day it is clearly better.
            Assert.True(model.Mase < 0.85 * meanOfFour.Mase, $"{f.SeriesId}: model MASE {model.Mase:F3} against the mean of four's {meanOfFour.Mase:F3}");
        }
    }

    /// <summary>
    /// Two models are trained at once and the backtests' rows are cached and shared: the nightly figures a shop sees and
    /// the benchmark's must not depend on which thread finished first.
    /// </summary>
    [Fact]
    public void The_same_series_give_the_same_forecast_every_time()
    {
        var series = new[] { Spiky("a", 10, 41), Spiky("b", 40, 42), Spiky("c", 160, 43) };

        var first = new DailyForecaster(horizonDays: 28, backtestOrigins: 2, seed: 5, trees: 50).Forecast(series);
        var second = new DailyForecaster(horizonDays: 28, backtestOrigins: 2, seed: 5, trees: 50).Forecast(series);

        Assert.Equal(first.Count, second.Count);
        foreach (var (a, b) in first.Zip(second))
        {
            Assert.Equal(a.SeriesId, b.SeriesId);
            Assert.Equal(a.Method, b.Method);
            Assert.Equal(a.Shown, b.Shown);
            Assert.Equal(a.Methods.OrderBy(m => m.Key, StringComparer.Ordinal), b.Methods.OrderBy(m => m.Key, StringComparer.Ordinal));
            Assert.Equal(a.Points, b.Points);
        }
    }
}
