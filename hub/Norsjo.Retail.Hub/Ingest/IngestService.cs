using ClickHouse.Driver;
using Grpc.Core;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Stores;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>Receives batches from store agents. The reply is sent only once the batch is stored.</summary>
public sealed partial class IngestService(SalesBatchWriter writer, ILogger<IngestService> logger) : Contracts.V1.Ingest.IngestBase
{
    public override async Task<UploadBatchReply> UploadBatch(UploadBatchRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var store = StoreAuthenticationInterceptor.AuthenticatedStore(context);
        if (!string.Equals(request.StoreId, store.Id, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"This credential belongs to store '{store.Id}' and cannot send data for '{request.StoreId}'."));
        }

        BatchValidator.Validate(request);
        var reply = new UploadBatchReply { BatchId = request.BatchId };
        try
        {
            if (await writer.IsStoredAsync(store.Id, request.BatchId, context.CancellationToken).ConfigureAwait(false))
            {
                reply.AlreadyStored = true;
                LogDuplicate(logger, store.Id, request.BatchId);
                return reply;
            }

            await writer.WriteAsync(store.Id, request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or ClickHouseServerException or TaskCanceledException && !context.CancellationToken.IsCancellationRequested)
        {
            // Nothing is acknowledged that was not stored: the agent keeps the batch and tries again.
            LogStorageFailed(logger, e, store.Id, request.BatchId);
            throw new RpcException(new Status(StatusCode.Unavailable, "Storage is not available right now; send the batch again later."));
        }

        reply.ReceiptsStored = request.Receipts.Count;
        reply.DailyTotalsStored = request.DailyTotals.Count;
        reply.HomeDeliveriesStored = request.HomeDeliveries.Count;
        LogStored(logger, store.Id, request.BatchId, reply.ReceiptsStored, reply.DailyTotalsStored, reply.HomeDeliveriesStored);
        return reply;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored batch {BatchId} from {StoreId}: {Receipts} receipts, {DailyTotals} daily totals, {Deliveries} home deliveries")]
    private static partial void LogStored(ILogger logger, string storeId, string batchId, int receipts, int dailyTotals, int deliveries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} from {StoreId} was stored before; acknowledged again")]
    private static partial void LogDuplicate(ILogger logger, string storeId, string batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store batch {BatchId} from {StoreId}")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, string storeId, string batchId);
}
