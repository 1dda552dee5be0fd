using System.Diagnostics;
using System.Globalization;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Subsidy;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// `run-jobs`: what the schedule would have done, at once and in order, for a hub that has just
/// received its stores' history (a new installation, the demo). Each step is the scheduled job's own
/// work and as idempotent: running it again changes nothing but the forecasts' run id.
/// </summary>
public static class HubJobsNow
{
    public static async Task<int> RunAsync(string[] args, string monthsText)
    {
        if (!int.TryParse(monthsText, CultureInfo.InvariantCulture, out var months) || months is < 1 or > 120)
        {
            Console.Error.WriteLine($"--months must be 1–120, not '{monthsText}'.");
            return 2;
        }

        var app = HubApplication.Build([.. args.Where(a => a != "--months" && a != monthsText), "--Jobs:Enabled=false", "--ClickHouse:AttachToRunningLocalServer=true", "--Logging:LogLevel:Default=Warning"]);
        var storage = app.Services.GetRequiredService<ClickHouseStorage>();
        await storage.StartAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var today = ApiRequest.Today(app.Services.GetRequiredService<TimeProvider>());
            var thisMonth = new DateOnly(today.Year, today.Month, 1);
            var ledger = app.Services.GetRequiredService<SubsidyLedger>();
            var produced = 0;
            for (var month = thisMonth.AddMonths(-months); month < thisMonth; month = month.AddMonths(1))
            {
                produced += await ledger.ProduceAsync(month).ConfigureAwait(false);
            }

            Console.WriteLine($"Subsidy statements {thisMonth.AddMonths(-months):yyyy-MM} to {thisMonth.AddMonths(-1):yyyy-MM}: {produced} produced now (the others were already)");

            var clock = Stopwatch.StartNew();
            Console.WriteLine("Forecasts: training and backtesting, about 2 s per store …");
            var runId = await app.Services.GetRequiredService<ForecastRun>().RunAsync().ConfigureAwait(false);
            Console.WriteLine($"Forecasts: run {runId} done in {clock.Elapsed.TotalSeconds:0} s");

            var outlook = app.Services.GetRequiredService<IndexOutlook>();
            var result = await outlook.ComputeAsync().ConfigureAwait(false);
            await outlook.StoreAsync(result).ConfigureAwait(false);
            Console.WriteLine($"Index outlook {result.Year}: {result.Expected:0.0} expected ({result.Low:0.0}–{result.High:0.0}), chance of 60 or more {result.ProbabilityOf60:P0}");

            var checks = await app.Services.GetRequiredService<SilentAgents>().CheckAsync().ConfigureAwait(false);
            Console.WriteLine($"Silent agents: {checks.Count(c => c.Silent)} of the {checks.Count} stores with an agent");
            return 0;
        }
        finally
        {
            await storage.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
