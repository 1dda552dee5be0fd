using System.Diagnostics;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Subsidy;

namespace Norsjo.Retail.Hub.Jobs;

/// <summary>
/// What the schedule would have done, at once and in order, for a hub that has just received its
/// stores' history (a new installation, the demo, the page tests): the subsidy statements of past
/// months oldest first, then the forecasts, then the outlook built on them, then the silent-agent
/// check. Each step is the scheduled job's own work and as idempotent.
/// </summary>
public sealed class JobsCatchUp(SubsidyLedger ledger, ForecastRun forecasts, IndexOutlook outlook, SilentAgents agents, TimeProvider time)
{
    /// <param name="months">How many past months' statements to produce (those already produced stay as they are).</param>
    /// <param name="progress">Told each step's outcome, in English, for whoever runs it.</param>
    public async Task RunAsync(int months, Action<string> progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var today = Api.ApiRequest.Today(time);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var produced = 0;
        for (var month = thisMonth.AddMonths(-months); month < thisMonth; month = month.AddMonths(1))
        {
            produced += await ledger.ProduceAsync(month, cancellationToken).ConfigureAwait(false);
        }

        progress($"Subsidy statements {thisMonth.AddMonths(-months):yyyy-MM} to {thisMonth.AddMonths(-1):yyyy-MM}: {produced} produced now (the others were already)");

        var clock = Stopwatch.StartNew();
        progress("Forecasts: training and backtesting every store, its categories and the municipality …");
        var runId = await forecasts.RunAsync(
            p => progress($"Forecasts: model {p.ModelsTrained} of {p.Models} trained ({p.Series} series, {clock.Elapsed.TotalSeconds:0} s so far)"),
            cancellationToken).ConfigureAwait(false);
        progress($"Forecasts: run {runId} done in {clock.Elapsed.TotalSeconds:0} s");

        var result = await outlook.ComputeAsync(cancellationToken).ConfigureAwait(false);
        await outlook.StoreAsync(result, cancellationToken).ConfigureAwait(false);
        progress($"Index outlook {result.Year}: {result.Expected:0.0} expected ({result.Low:0.0}–{result.High:0.0}), chance of the target or more {result.ProbabilityOfTarget:P0}");

        var checks = await agents.CheckAsync(cancellationToken).ConfigureAwait(false);
        progress($"Silent agents: {checks.Count(c => c.Silent)} of the {checks.Count} stores with an agent");
    }
}
