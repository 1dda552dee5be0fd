using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// The nightly forecast run with three years of daily data for 30 stores (and, by option, more, e.g.
/// <c>--stores 30,300</c>, each with a hub and ClickHouse of its own, one after the other in one
/// process): wall time, peak memory, and the backtests' verdict (so a faster run is seen not to be a
/// worse one). <c>--max-training-rows 0,1000000</c> compares training on every row with the sampled default.
/// </summary>
public static class ForecastBenchmark
{
    public static async Task<int> RunAsync(ForecastRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Console.WriteLine($"Forecast benchmark on {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd HH:mm}. Reproduce: {settings.Command}");
        foreach (var (count, cap) in settings.Stores.SelectMany(count => settings.MaxTrainingRows.Select(cap => (count, cap))))
        {
            var stores = BenchData.Stores(count);
            await using var hub = await BenchHub.StartAsync(stores, null, "norsjo_retail", "--Forecast:MaxTrainingRows=" + cap.ToString(CultureInfo.InvariantCulture));
            var end = DateOnly.FromDateTime(DateTime.Today).AddDays(-1);
            await BenchData.FillAsync(hub.Database, count, end.AddYears(-3).AddDays(1), end);
            using var process = Process.GetCurrentProcess();
            GC.Collect();
            process.Refresh();
            var (before, cpuBefore) = (process.WorkingSet64, process.TotalProcessorTime);
            // The process's peak so far would hide a smaller run after a bigger one: sample this run's own.
            var peak = before;
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Environment.WorkingSet);
                    await Task.Delay(100, CancellationToken.None);
                }
            });
            var clock = Stopwatch.StartNew();
            var runId = await hub.Services.GetRequiredService<ForecastRun>().RunAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await sampler;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var series = count * 6 + 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forecast.nightly  {count} stores × 3 years (store totals, 5 categories each, municipality: {series} series, 6 backtests + final model, training rows at most {(cap == 0 ? "all" : cap.ToString("N0", CultureInfo.InvariantCulture))}): {seconds:N1} s wall, {cpu:N0} s CPU, peak working set {peak / 1048576.0:N0} MB (whole process, sampled every 0.1 s; {before / 1048576.0:N0} MB before the run)  target < 60 s for 30 stores  run {runId}"));
            var quality = (await hub.Database.QueryAsync<Quality>(
                $"""
                SELECT toInt32(count()) AS Series, toInt32(countIf(startsWith(method, {SqlLiteral.Text(DailyForecaster.ModelName + ForecastRun.MethodSeparator)}))) AS ModelShown,
                       median(model_mase) AS ModelMase, median(baseline_mase) AS BaselineMase, avg(model_coverage80) AS ModelCoverage
                FROM forecast_metrics FINAL WHERE run_id = {SqlLiteral.Text(runId)} AND NOT isNaN(model_mase)
                """)).Single();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forecast.quality  {count} stores: model shown on {quality.ModelShown} of {quality.Series} series; median backtest MASE model {quality.ModelMase:N3}, baseline {quality.BaselineMase:N3}; model 80 % interval coverage {quality.ModelCoverage:P1}"));
        }

        return 0;
    }

    private sealed record Quality(int Series, int ModelShown, double ModelMase, double BaselineMase, double ModelCoverage);
}
