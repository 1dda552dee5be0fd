using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// A token bucket per store, so one misbehaving agent cannot crowd out the others. Limits are per
/// hub instance: with N hubs behind one address a store gets at most N times the rate.
/// </summary>
public sealed class UploadRateLimiter(IOptions<IngestOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(storeId =>
        RateLimitPartition.GetTokenBucketLimiter(storeId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.UploadBurstPerStore,
            TokensPerPeriod = options.Value.UploadsPerSecondPerStore,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Throws RESOURCE_EXHAUSTED with a "retry-after-ms" trailer when the store is over its rate.</summary>
    public void Admit(string storeId, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var lease = _limiter.AttemptAcquire(storeId);
        if (lease.IsAcquired)
        {
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var milliseconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
        throw new RpcException(
            new Status(StatusCode.ResourceExhausted, $"Too many uploads from this store; retry after {milliseconds} ms."),
            new Metadata { { "retry-after-ms", milliseconds.ToString(CultureInfo.InvariantCulture) } });
    }

    public void Dispose() => _limiter.Dispose();
}
