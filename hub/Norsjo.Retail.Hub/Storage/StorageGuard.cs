using ClickHouse.Driver;
using Grpc.Core;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// Turns "ClickHouse is down or too slow" into gRPC's Unavailable, so callers retry later and
/// nothing is acknowledged that was not stored. A statement ClickHouse refuses as wrong (see
/// <see cref="ClickHouseErrors"/>) is not an outage: it is the hub's bug, said as such.
/// </summary>
public static class StorageGuard
{
    /// <summary>What a caller is told when storage is away, in Swedish (store owners and municipal staff read it); no cause, no address.</summary>
    public const string UnavailableMessage = "ClickHouse svarar inte just nu; försök igen om en stund.";

    /// <summary>What a caller is told when ClickHouse refused the hub's own statement: a fault in the hub, which waiting does not cure; the log has the error code.</summary>
    public const string QueryFaultMessage = "Ett fel i hubben: dess fråga till ClickHouse gick inte att köra. Felet är loggat så att det kan rättas.";

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
        catch (ClickHouseServerException e) when (IsQueryFault(e))
        {
            // Internal, not Unavailable: the agent still keeps the batch and retries (with backoff), and
            // gRPC's log line names the code, not the statement or its values.
            throw new RpcException(new Status(StatusCode.Internal, $"The hub's statement to storage failed (ClickHouse error {ClickHouseErrors.Describe(e)})."));
        }
    }

    /// <summary>Storage away or too slow: a 503, or gRPC's Unavailable; the caller may try again later.</summary>
    public static bool IsStorageFailure(Exception e, CancellationToken callCancelled) => e switch
    {
        ClickHouseServerException server => ClickHouseErrors.FaultOf(server) == ClickHouseFault.Outage,
        HttpRequestException or IOException => true,
        OperationCanceledException => !callCancelled.IsCancellationRequested,
        _ => false,
    };

    /// <summary>ClickHouse answered and refused the hub's statement (syntax, unknown table or column, types): a 500 and a log entry.</summary>
    public static bool IsQueryFault(Exception e) => e is ClickHouseServerException server && ClickHouseErrors.FaultOf(server) == ClickHouseFault.Query;
}
