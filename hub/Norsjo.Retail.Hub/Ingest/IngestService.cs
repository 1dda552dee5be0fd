using Grpc.Core;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// Receives batches from store agents (Ingest.UploadBatch, bound by StrictMethods). The reply is
/// sent only once the batch is stored.
/// </summary>
public sealed partial class IngestService(
    SalesBatchWriter writer, UploadRateLimiter rateLimiter, IngestMetrics metrics, IOptions<IngestOptions> options,
    TimeProvider time, IngestRefusals refusals, ILogger<IngestService> logger)
{
    public async Task<UploadBatchReply> UploadBatch(UploadBatchRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var store = StoreAuthenticationInterceptor.AuthenticatedStore(context);
        if (!string.Equals(request.StoreId, store.Id, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"This credential belongs to store '{store.Id}' and cannot send data for '{request.StoreId}'."));
        }

        rateLimiter.Admit(store.Id, context);
        var today = Time.SwedishTime.Today(time);
        try
        {
            new BatchValidator(store.Opened, today.AddDays(options.Value.MaxDaysAhead)).Validate(request);
        }
        catch (RpcException refused) when (refused.StatusCode == StatusCode.InvalidArgument)
        {
            // Kept for the owner's page and /admin (IngestRefusals), then told to the agent as before.
            await refusals.RecordAsync(store.Id, request, refused.Status.Detail, context.CancellationToken).ConfigureAwait(false);
            throw;
        }

        var reply = new UploadBatchReply { BatchId = request.BatchId };
        var stored = await StorageGuard.RunAsync(async () =>
        {
            if (await writer.IsStoredAsync(store.Id, request.BatchId, context.CancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await writer.WriteAsync(store.Id, request, context.CancellationToken).ConfigureAwait(false);
            return true;
        }, context.CancellationToken).ConfigureAwait(false);

        if (!stored)
        {
            reply.AlreadyStored = true;
            metrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "duplicate"));
            LogDuplicate(logger, store.Id, request.BatchId);
            return reply;
        }

        reply.ReceiptsStored = request.Receipts.Count;
        reply.DailyTotalsStored = request.DailyTotals.Count;
        reply.HomeDeliveriesStored = request.HomeDeliveries.Count;
        metrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
        metrics.Rows.Add(reply.ReceiptsStored, new KeyValuePair<string, object?>("kind", "receipt"));
        metrics.Rows.Add(reply.DailyTotalsStored, new KeyValuePair<string, object?>("kind", "daily_total"));
        metrics.Rows.Add(reply.HomeDeliveriesStored, new KeyValuePair<string, object?>("kind", "home_delivery"));
        LogStored(logger, store.Id, request.BatchId, reply.ReceiptsStored, reply.DailyTotalsStored, reply.HomeDeliveriesStored);
        return reply;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored batch {BatchId} from {StoreId}: {Receipts} receipts, {DailyTotals} daily totals, {Deliveries} home deliveries")]
    private static partial void LogStored(ILogger logger, string storeId, string batchId, int receipts, int dailyTotals, int deliveries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} from {StoreId} was stored before; acknowledged again")]
    private static partial void LogDuplicate(ILogger logger, string storeId, string batchId);
}
