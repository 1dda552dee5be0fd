using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Norsjo.Retail.Hub.Credentials;

public sealed class EnrollmentLimitOptions
{
    public const string Section = "Enrollment";

    /// <summary>Attempts one remote address may make, sustained and as a burst (a shop enrolls once; a few typos are fine).</summary>
    public int AttemptsPerMinutePerAddress { get; set; } = 10;

    public int BurstPerAddress { get; set; } = 30;

    /// <summary>Attempts from all addresses together, so guessing from many addresses is slow too.</summary>
    public int AttemptsPerMinute { get; set; } = 60;

    public int Burst { get; set; } = 100;
}

/// <summary>
/// Slows down guessing of enrollment codes: every Enroll call, right or wrong, takes a token from
/// its remote address's bucket and from one shared by all addresses; with none left the call gets
/// RESOURCE_EXHAUSTED and a "retry-after-ms" trailer, before the code is even looked at. Counting
/// every attempt (not only wrong ones) means concurrent guesses cannot slip through before the
/// first failures are counted. Buckets are per hub instance.
/// </summary>
public sealed class EnrollmentAttemptLimiter : IDisposable
{
    private const string Everyone = "*";

    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _global;

    public EnrollmentAttemptLimiter(IOptions<EnrollmentLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _perAddress = Buckets(o.BurstPerAddress, o.AttemptsPerMinutePerAddress);
        _global = Buckets(o.Burst, o.AttemptsPerMinute);
    }

    public void Admit(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? "unknown";
        Take(_perAddress, address, "from this address");
        Take(_global, Everyone, "at this hub");
    }

    private static PartitionedRateLimiter<string> Buckets(int burst, int perMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / Math.Max(1, perMinute)),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private static void Take(PartitionedRateLimiter<string> limiter, string key, string where)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var milliseconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
        throw new RpcException(
            new Status(StatusCode.ResourceExhausted, $"Too many enrollment attempts {where}; retry after {milliseconds} ms."),
            new Metadata { { "retry-after-ms", milliseconds.ToString(CultureInfo.InvariantCulture) } });
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        _global.Dispose();
    }
}
