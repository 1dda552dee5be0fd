using Norsjo.Retail.Hub.Forecasting;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Hub;

public sealed class DailyForecasterTests(ITestOutputHelper output)
{
    /// <summary>
    /// A village shop's daily sales with known structure: a weekly pattern, holiday dips and eve peaks,
    /// a payday bump, summer guests, the food VAT step in April 2026, and noise. Seeded.
    /// </summary>
    private static DailySeries Shop(string id, double level, int seed)
    {
        var random = new Random(seed);
        var start = new DateOnly(2023, 11, 1);
        var end = new DateOnly(2026, 11, 26);
        double[] weekly = [0.7, 0.9, 0.95, 1.0, 1.05, 1.35, 1.2]; // Sunday … Saturday
        var values = new List<double>();
        for (var day = start; day <= end; day = day.AddDays(1))
        {
            var v = level * weekly[(int)day.DayOfWeek];
            if (SwedishCalendar.IsHoliday(day))
            {
                v *= 0.45;
            }

            if (SwedishCalendar.IsHolidayEve(day))
            {
                v *= 1.4;
            }

            if (SwedishCalendar.DaysSincePayday(day) <= 2)
            {
                v *= 1.15;
            }

            if (SwedishCalendar.IsSummer(day))
            {
                v *= 1.5;
            }

            if (SwedishCalendar.ReducedFoodVat(day))
            {
                v *= 0.95;
            }

            v *= 1 + (0.08 * Gaussian(random));
            values.Add(Math.Max(0, v));
        }

        return new DailySeries(id, start, values);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void On_series_with_a_Swedish_shops_structure_the_model_beats_the_seasonal_naive_and_its_intervals_are_calibrated()
    {
        var series = Enumerable.Range(0, 6).Select(i => Shop($"s{i}", 20_000 + (i * 7_000), 100 + i)).ToList();

        var forecasts = new DailyForecaster(seed: 7).Forecast(series);

        var model = forecasts.Average(f => f.Model.Mase);
        var baseline = forecasts.Average(f => f.Baseline.Mase);
        // The stated margin: at least 15 % lower MASE than "the same weekday last week".
        Assert.True(model < 0.85 * baseline, $"model MASE {model:0.000} against baseline {baseline:0.000}");
        Assert.All(forecasts, f => Assert.Equal(DailyForecaster.ModelName, f.Method));
        var coverage = forecasts.Average(f => f.Model.Coverage80);
        output.WriteLine($"MASE model {model:0.000}, seasonal naive {baseline:0.000}; WAPE model {forecasts.Average(f => f.Model.Wape):0.000}, naive {forecasts.Average(f => f.Baseline.Wape):0.000}; 80 % coverage {coverage:0.000}");
        Assert.InRange(coverage, 0.75, 0.85);
        var first = forecasts[0].Points;
        Assert.Equal(56, first.Count);
        Assert.Equal(new DateOnly(2026, 11, 27), first[0].Date);
        Assert.All(first, p => Assert.True(p.Lower <= p.Point && p.Point <= p.Upper));
    }

    [Fact]
    public void Where_the_model_cannot_beat_the_baseline_the_baseline_is_shown()
    {
        // A series that is exactly its last week, every week: nothing beats repeating it.
        var start = new DateOnly(2024, 1, 1);
        double[] week = [100, 200, 300, 400, 500, 600, 700];
        var repeating = new DailySeries("same-every-week", start, [.. Enumerable.Range(0, 700).Select(i => week[i % 7])]);

        var forecast = new DailyForecaster(seed: 7).Forecast([repeating]).Single();

        Assert.True(forecast.UsesBaseline);
        // Nothing changes from week to week, so MASE has no scale (undefined, not 0/1e-9); the rule misses nothing.
        Assert.True(double.IsNaN(forecast.Baseline.Mase));
        Assert.Equal(0, forecast.Baseline.Wape, 6);
        Assert.Equal(repeating[repeating.End.AddDays(-6)], forecast.Points[0].Point);
    }
}
