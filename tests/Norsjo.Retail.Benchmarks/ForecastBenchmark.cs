using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// The nightly forecast run with three years of daily data for 30 stores (and, by option, more, e.g.
/// <c>--stores 30,300</c>, each with a hub and ClickHouse of its own, one after the other in one
/// process): wall time and peak memory.
/// </summary>
public static class ForecastBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var storeCounts = BenchArgs.Numbers(args, "--stores", 30);
        var command = BenchArgs.Command("forecasts", ("--stores", storeCounts));
        Console.WriteLine($"Forecast benchmark on {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd HH:mm}. Reproduce: {command}");
        foreach (var count in storeCounts)
        {
            var stores = BenchData.Stores(count);
            await using var hub = await BenchHub.StartAsync(stores);
            var end = DateOnly.FromDateTime(DateTime.Today).AddDays(-1);
            await BenchData.FillAsync(hub.Database, count, end.AddYears(-3).AddDays(1), end);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var before = process.PeakWorkingSet64;
            var clock = Stopwatch.StartNew();
            var runId = await hub.Services.GetRequiredService<ForecastRun>().RunAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var series = count * 6 + 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forecast.nightly  {count} stores × 3 years (store totals, 5 categories each, municipality: {series} series, 6 backtests + final model): {seconds:N1} s, peak working set {process.PeakWorkingSet64 / 1048576.0:N0} MB (whole process; {before / 1048576.0:N0} MB before the run)  target < 60 s for 30 stores  run {runId}"));
        }

        return 0;
    }
}
