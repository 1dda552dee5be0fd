using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Benchmarks;

/// <summary>The nightly forecast run for 30 stores with three years of daily data: wall time and peak memory.</summary>
public static class ForecastBenchmark
{
    private const string Command = "./norsjo bench forecasts";

    public static async Task<int> RunAsync()
    {
        var stores = Enumerable.Range(1, 30).Select(i => ($"bench-s{i:00}", QueryBenchmark.Villages[i % QueryBenchmark.Villages.Length])).ToArray();
        await using var hub = await BenchHub.StartAsync(stores);
        var end = DateOnly.FromDateTime(DateTime.Today).AddDays(-1);
        await QueryBenchmark.FillAsync(hub.Database, stores.Select(s => s.Item1).ToList(), end.AddYears(-3).AddDays(1), end);
        Console.WriteLine($"Forecast benchmark on {Environment.ProcessorCount} cores. Reproduce: {Command}");
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.PeakWorkingSet64;
        var clock = Stopwatch.StartNew();
        var runId = await hub.Services.GetRequiredService<ForecastRun>().RunAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forecast.nightly  30 stores × 3 years (store totals, 5 categories each, municipality: 181 series, 6 backtests + final model): {seconds:N1} s, peak working set {process.PeakWorkingSet64 / 1048576.0:N0} MB (whole process; {before / 1048576.0:N0} MB before the run)  target < 60 s  run {runId}"));
        return 0;
    }
}
