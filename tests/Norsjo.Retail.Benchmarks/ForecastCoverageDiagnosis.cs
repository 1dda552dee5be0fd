using System.Globalization;
using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Why the shown bands miss 75–85 % where they do (issue #17, sixth round), for each way of banding the
/// benchmark compares: each scored window's coverage across series (by origin), the band's mean width
/// against the width the window's own errors needed, the series' coverages moved to a mean of 80 % (is it
/// the bias or the spread?), and how much spread over series a band calibrated at exactly 80 % would
/// show anyway — from the days alone (binomial), and with each series' own window-to-window noise as
/// measured (what is common to a window's series and to a series' windows taken out, resampled).
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
            var mean = observed.Average();
            // What is common to every series in a window (its origin's mean over series) and to a series in every
            // window (its coverage) taken out: what is left is each series' own window-to-window noise, which a band
            // calibrated at 80 % in every window would still have (widened by √(W/(W−1)) for the series' mean taken out).
            var byOrigin = windows.SelectMany(w => w).GroupBy(w => w.Origin).ToDictionary(g => g.Key, g => g.Average(w => (double)w.Inside / w.Days));
            var deviations = windows.Where(w => w.Count > 1).SelectMany(w =>
            {
                var series = (double)w.Sum(x => x.Inside) / w.Sum(x => x.Days);
                return w.Select(x => (((double)x.Inside / x.Days) - byOrigin[x.Origin] - series + mean) * Math.Sqrt(w.Count / (w.Count - 1.0)));
            }).ToList();
            var random = new Random(1);
            double binomial = 0, own = 0;
            foreach (var w in windows)
            {
                var days = w.Sum(x => x.Days);
                for (var d = 0; d < Draws; d++)
                {
                    binomial += Within((double)Enumerable.Range(0, days).Count(_ => random.NextDouble() < DailyForecaster.IntervalLevel) / days);
                    own += Within(DailyForecaster.IntervalLevel + (w.Sum(x => x.Days * deviations[random.Next(deviations.Count)]) / days));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  series: coverage mean {mean:0.000}, sd {Sd(observed):0.000}, inside 75–85 % {observed.Count(c => Within(c) == 1):0}/{observed.Count}; the same coverages moved to a mean of 80 %: {observed.Count(c => Within(c - mean + DailyForecaster.IntervalLevel) == 1)}/{observed.Count}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  a band calibrated at 80 % in every window would put inside 75–85 %: {binomial / (Draws * windows.Count):P0} of series with its days independent, {own / (Draws * windows.Count):P0} with each series' own window-to-window noise as measured (sd {Sd(deviations):0.000} a window)"));
        }
    }

    private static double Within(double coverage) => coverage is >= 0.75 and <= 0.85 ? 1 : 0;

    private static double Sd(List<double> values) =>
        values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => Math.Pow(v - values.Average(), 2)) / (values.Count - 1));
}
