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
    TimeProvider time, IngestRefusals refusals, AgentHealth.AgentHealthStore health, AgentHealth.ConnectionLogs connectionLogs, ILogger<IngestService> logger)
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
        if (request.Health is not null)
        {
            // Before the batch is judged: a batch refused, or one the hub cannot store now, still says the agent lives.
            await health.RecordAsync(store.Id, request.AgentVersion, request.Health, AgentHealth.AgentHealthStore.Via.Batch, context.CancellationToken).ConfigureAwait(false);
        }

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
        reply.ServiceVolumesStored = request.ServiceVolumes.Count;
        metrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
        metrics.Rows.Add(reply.ReceiptsStored, new KeyValuePair<string, object?>("kind", "receipt"));
        metrics.Rows.Add(reply.DailyTotalsStored, new KeyValuePair<string, object?>("kind", "daily_total"));
        metrics.Rows.Add(reply.HomeDeliveriesStored, new KeyValuePair<string, object?>("kind", "home_delivery"));
        metrics.Rows.Add(reply.ServiceVolumesStored, new KeyValuePair<string, object?>("kind", "service_volume"));
        LogStored(logger, store.Id, request.BatchId, reply.ReceiptsStored, reply.DailyTotalsStored, reply.HomeDeliveriesStored);
        return reply;
    }

    /// <summary>
    /// The agent's heartbeat (health.proto): its health, and the complete days of its connection log,
    /// kept once each. Written to the operational store only, so it works while ClickHouse is away —
    /// which is when it matters. Not rate-limited with the batches: it comes every few minutes.
    /// </summary>
    public async Task<ReportHealthReply> ReportHealth(ReportHealthRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var store = StoreAuthenticationInterceptor.AuthenticatedStore(context);
        if (!string.Equals(request.StoreId, store.Id, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"This credential belongs to store '{store.Id}' and cannot report for '{request.StoreId}'."));
        }

        if (request.Health is not null)
        {
            await health.RecordAsync(store.Id, request.AgentVersion, request.Health, AgentHealth.AgentHealthStore.Via.Heartbeat, context.CancellationToken).ConfigureAwait(false);
        }

        var reply = new ReportHealthReply();
        if (request.ConnectionDays.Count > 0)
        {
            reply.DaysStored.AddRange(await connectionLogs.RecordAsync(store.Id, request.ConnectionDays, context.CancellationToken).ConfigureAwait(false));
        }

        return reply;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored batch {BatchId} from {StoreId}: {Receipts} receipts, {DailyTotals} daily totals, {Deliveries} home deliveries")]
    private static partial void LogStored(ILogger logger, string storeId, string batchId, int receipts, int dailyTotals, int deliveries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} from {StoreId} was stored before; acknowledged again")]
    private static partial void LogDuplicate(ILogger logger, string storeId, string batchId);
}
