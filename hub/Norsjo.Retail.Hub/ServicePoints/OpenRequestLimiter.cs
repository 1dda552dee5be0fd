using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>
/// The anonymous endpoints (/api/open) are limited as enrollment is (Credentials/EnrollmentAttemptLimiter.cs):
/// every request takes a token from its remote address's bucket; with none left the answer is 429
/// with Retry-After, before any work is done. Buckets are per hub instance.
/// </summary>
public sealed class OpenRequestLimiter : IEndpointFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;

    public OpenRequestLimiter(IOptions<ServicePointOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _perAddress = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, o.OpenBurstPerAddress),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / Math.Max(1, o.OpenRequestsPerMinutePerAddress)),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var address = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var lease = _perAddress.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem("För många förfrågningar från din adress. Vänta en stund och försök igen.", statusCode: StatusCodes.Status429TooManyRequests);
        }

        return await next(context).ConfigureAwait(false);
    }

    public void Dispose() => _perAddress.Dispose();
}
