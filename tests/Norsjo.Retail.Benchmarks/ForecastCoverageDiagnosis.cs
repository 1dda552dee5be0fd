using System.Globalization;
using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Why the shown bands miss 75–85 % where they do (issue #17, sixth round), for each way of banding the
/// benchmark compares: each scored window's coverage across series (by origin), the band's mean width
/// against the width the window's own errors needed, and how much of the spread over series a band
/// calibrated at exactly 80 % would show anyway — from the days alone (binomial), and with windows
/// moving together as these did (each series' window-to-window deviations, resampled).
/// </summary>
internal static class ForecastCoverageDiagnosis
{
    private const int Draws = 2000;

    public static void Print(IReadOnlyList<SeriesForecast> forecasts)
    {
        var ways = forecasts.Count > 0 ? forecasts[0].ShownWindows.Keys.ToList() : [];
        foreach (var way in ways)
        {
            var windows = forecasts.Select(f => f.ShownWindows[way]).Where(w => w.Count > 0).ToList();
            Console.WriteLine($"\nbands, shown, {way}: by origin (mean over series) coverage, band width / the width the window's own errors needed");
            foreach (var origin in windows.SelectMany(w => w).GroupBy(w => w.Origin).OrderBy(g => g.Key))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {origin.Key:yyyy-MM-dd}  {origin.Count(),3} series  coverage {origin.Average(w => (double)w.Inside / w.Days):0.000}  width {origin.Average(w => w.Width):0.000} / needed {origin.Average(w => w.Needed):0.000}"));
            }

            var observed = windows.Select(w => (double)w.Sum(x => x.Inside) / w.Sum(x => x.Days)).ToList();
            // A calibrated band's windows, deviating from their series' coverage as these windows did (the
            // within-series deviations, widened by √(W/(W−1)) for the mean they were taken from).
            var deviations = windows.Where(w => w.Count > 1).SelectMany(w =>
            {
                var mean = (double)w.Sum(x => x.Inside) / w.Sum(x => x.Days);
                return w.Select(x => (((double)x.Inside / x.Days) - mean) * Math.Sqrt(w.Count / (w.Count - 1.0)));
            }).ToList();
            var random = new Random(1);
            double binomial = 0, correlated = 0;
            foreach (var w in windows)
            {
                for (var d = 0; d < Draws; d++)
                {
                    var inside = w.Sum(x => Enumerable.Range(0, x.Days).Count(_ => random.NextDouble() < DailyForecaster.IntervalLevel));
                    binomial += Within((double)inside / w.Sum(x => x.Days));
                    var shifted = DailyForecaster.IntervalLevel + (w.Sum(x => x.Days * deviations[random.Next(deviations.Count)]) / w.Sum(x => x.Days));
                    correlated += Within(shifted);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  series: coverage mean {observed.Average():0.000}, sd {Sd(observed):0.000}, inside 75–85 % {observed.Count(c => Within(c) == 1):0}/{observed.Count}; " +
                $"window-to-window sd within a series {Sd(deviations):0.000}; a band calibrated at 80 % would put inside 75–85 %: {binomial / (Draws * windows.Count):P0} (days independent), {correlated / (Draws * windows.Count):P0} (windows as these)"));
        }
    }

    private static double Within(double coverage) => coverage is >= 0.75 and <= 0.85 ? 1 : 0;

    private static double Sd(List<double> values) =>
        values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => Math.Pow(v - values.Average(), 2)) / (values.Count - 1));
}
