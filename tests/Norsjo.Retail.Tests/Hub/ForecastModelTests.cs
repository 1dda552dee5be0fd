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
}
