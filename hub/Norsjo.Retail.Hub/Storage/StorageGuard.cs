using ClickHouse.Driver;
using Grpc.Core;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// Turns "ClickHouse is down or too slow" into gRPC's Unavailable, so callers retry later and
/// nothing is acknowledged that was not stored.
/// </summary>
public static class StorageGuard
{
    /// <summary>What a caller is told when storage is away, in Swedish (store owners and municipal staff read it); no cause, no address.</summary>
    public const string UnavailableMessage = "ClickHouse svarar inte just nu; försök igen om en stund.";

    public static async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken callCancelled)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (IsStorageFailure(e, callCancelled))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "Storage is not available right now; try again later.", e));
        }
    }

    public static bool IsStorageFailure(Exception e, CancellationToken callCancelled) =>
        e is HttpRequestException or ClickHouseServerException or IOException
        || (e is OperationCanceledException && !callCancelled.IsCancellationRequested);
}
