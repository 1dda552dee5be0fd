using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>The hub's own figures, exported through OpenTelemetry (Prometheus text at /metrics).</summary>
public sealed class IngestMetrics : IDisposable
{
    public const string MeterName = "Norsjo.Retail.Hub";

    private readonly Meter _meter = new(MeterName);

    public IngestMetrics()
    {
        Batches = _meter.CreateCounter<long>("norsjo.ingest.batches", "{batch}", "Batches answered, by outcome (stored, duplicate)");
        Rows = _meter.CreateCounter<long>("norsjo.ingest.rows", "{row}", "Receipts, daily totals and home deliveries stored, by kind");
        Rejects = _meter.CreateCounter<long>("norsjo.ingest.rejects", "{call}", "Calls refused, by gRPC status");
        Latency = _meter.CreateHistogram<double>("norsjo.ingest.duration", "ms", "Time to answer an ingest or enrollment call");
    }

    public Counter<long> Batches { get; }

    public Counter<long> Rows { get; }

    public Counter<long> Rejects { get; }

    public Histogram<double> Latency { get; }

    public void Dispose() => _meter.Dispose();
}

/// <summary>Times every call and counts refusals by status, whichever part of the hub refused.</summary>
public sealed class IngestMetricsInterceptor(IngestMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            metrics.Rejects.Add(1, new KeyValuePair<string, object?>("status", e.StatusCode.ToString()));
            throw;
        }
        finally
        {
            metrics.Latency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("method", context.Method));
        }
    }
}
