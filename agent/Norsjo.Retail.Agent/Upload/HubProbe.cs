using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Norsjo.Retail.Agent.Upload;

/// <summary>What a cheap look at the hub found.</summary>
public enum HubReadiness
{
    /// <summary>No answer: the hub, or the way to it, is down.</summary>
    Unreachable,

    /// <summary>The hub answers but says it cannot store now (its ClickHouse is away).</summary>
    NotServing,

    /// <summary>The hub says it serves.</summary>
    Serving,

    /// <summary>The hub answers but has no health service (an older hub): it is up, whether it can store is unknown.</summary>
    Answers,
}

/// <summary>
/// The standard gRPC health check (grpc.health.v1.Health/Check) against the hub, on the upload's own
/// channel: a few bytes, so the agent can look every few seconds during a long back-off and send as
/// soon as the hub is back instead of waiting the back-off out. A hub without the health service
/// answers UNIMPLEMENTED, which still proves it is up.
/// </summary>
public sealed class HubProbe(GrpcChannel channel, Metadata headers, TimeSpan timeout)
{
    private readonly Health.HealthClient _client = new(channel);

    public async Task<HubReadiness> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reply = await _client.CheckAsync(new HealthCheckRequest(), headers, DateTime.UtcNow + timeout, cancellationToken).ConfigureAwait(false);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving ? HubReadiness.Serving : HubReadiness.NotServing;
        }
        catch (RpcException e) when (IsTransportFailure(e))
        {
            return HubReadiness.Unreachable;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            // The hub itself said it is unavailable.
            return HubReadiness.NotServing;
        }
        catch (RpcException)
        {
            // UNIMPLEMENTED (no health service yet), UNAUTHENTICATED …: someone answered.
            return HubReadiness.Answers;
        }
    }

    /// <summary>Did an upload fail because the hub could not be reached at all (rather than the hub answering "not now")?</summary>
    public static bool IsTransportFailure(RpcException e) =>
        e is not null && (e.StatusCode == StatusCode.DeadlineExceeded || (e.Status.DebugException is not null && e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown));
}
