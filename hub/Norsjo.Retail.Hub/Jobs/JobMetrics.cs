using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hangfire.Server;

namespace Norsjo.Retail.Hub.Jobs;

/// <summary>
/// Every job run in the hub's own metrics (/metrics) as well as Hangfire's dashboard:
/// norsjo_jobs_runs_total{job,outcome} and norsjo_jobs_duration_seconds{job}.
/// </summary>
public sealed class JobMetrics : IServerFilter, IDisposable
{
    private const string StartedKey = "norsjo.started";
    private readonly Meter _meter = new(Ingest.IngestMetrics.MeterName);
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;

    public JobMetrics()
    {
        _runs = _meter.CreateCounter<long>("norsjo.jobs.runs", "{run}", "Job runs by job and outcome (succeeded, failed)");
        _duration = _meter.CreateHistogram<double>("norsjo.jobs.duration", "s", "How long each job run took");
    }

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[StartedKey] = Stopwatch.GetTimestamp();
    }

    public void OnPerformed(PerformedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = new KeyValuePair<string, object?>("job", context.BackgroundJob.Job.Type.Name);
        _runs.Add(1, job, new KeyValuePair<string, object?>("outcome", context.Exception is null ? "succeeded" : "failed"));
        if (context.Items.TryGetValue(StartedKey, out var started) && started is long ticks)
        {
            _duration.Record(Stopwatch.GetElapsedTime(ticks).TotalSeconds, job);
        }
    }

    public void Dispose() => _meter.Dispose();
}
