using Grpc.Core;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Upload;

/// <summary>
/// Sends the outbox to the hub, oldest batch first, one unary call per batch. A batch leaves the
/// outbox only when the hub says it is stored; while the hub cannot be reached it waits, longer
/// each time, for as long as it takes.
/// </summary>
public sealed partial class HubUploader(
    IOptions<AgentOptions> options, SqliteOutbox outbox, ILogger<HubUploader> logger) : BackgroundService
{
    private static readonly HashSet<StatusCode> Refusals =
        [StatusCode.InvalidArgument, StatusCode.PermissionDenied, StatusCode.FailedPrecondition, StatusCode.OutOfRange];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var channel = HubChannel.Create(settings.HubUrl, settings.HubCertificate);
        var client = new Ingest.IngestClient(channel);
        var backoff = new RetryBackoff(settings.RetryInitialDelay, settings.RetryMaxDelay, Random.Shared);
        var headers = new Metadata { { "authorization", "Bearer " + settings.Credential } };

        var warnedFull = false;
        var lastFillCheck = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pending = outbox.NextBatch(settings.StoreId, settings.MaxReceiptsPerBatch, settings.MaxBatchBytes);
            if (pending is null)
            {
                await outbox.WaitForWorkAsync(settings.PollInterval, stoppingToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                outbox.RecordAttempt(pending.Request.BatchId);
                var reply = await client.UploadBatchAsync(
                    pending.Request, headers, DateTime.UtcNow + settings.UploadTimeout, stoppingToken).ConfigureAwait(false);
                outbox.Acknowledge(pending.Request.BatchId);
                backoff.Reset();
                LogAcknowledged(logger, reply.BatchId, reply.ReceiptsStored, reply.AlreadyStored);
            }
            catch (RpcException e) when (Refusals.Contains(e.StatusCode))
            {
                // Sending it again would be refused again: keep aside what was refused — the one
                // item the hub named, or else the batch — for a person to look at, and go on.
                if (e.StatusCode == StatusCode.InvalidArgument && outbox.SetAsideItem(pending, e.Status.Detail))
                {
                    LogItemRefused(logger, pending.Request.BatchId, e.Status.Detail);
                }
                else
                {
                    outbox.SetAside(pending, $"{e.StatusCode}: {e.Status.Detail}");
                    LogRefused(logger, pending.Request.BatchId, e.StatusCode, e.Status.Detail);
                }
            }
            catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
            {
                var delay = backoff.NextDelay();
                // A hub that says how long to wait (rate limit) is believed, if it asks for longer.
                if (long.TryParse(e.Trailers.GetValue("retry-after-ms"), System.Globalization.CultureInfo.InvariantCulture, out var hinted)
                    && TimeSpan.FromMilliseconds(hinted) > delay)
                {
                    delay = TimeSpan.FromMilliseconds(hinted);
                }

                outbox.RecordError($"{e.StatusCode}: {e.Status.Detail}");
                LogRetry(logger, pending.Request.BatchId, e.StatusCode, delay, pending.Attempts + 1);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }

            // The fill level is counted over the whole outbox: once a minute is often enough for the alarm.
            if (System.Diagnostics.Stopwatch.GetElapsedTime(lastFillCheck) < TimeSpan.FromMinutes(1))
            {
                continue;
            }

            lastFillCheck = System.Diagnostics.Stopwatch.GetTimestamp();
            var status = outbox.Status();
            if (status.NearlyFull != warnedFull)
            {
                warnedFull = status.NearlyFull;
                if (warnedFull)
                {
                    LogNearlyFull(logger, status.Items, status.Capacity);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The outbox is nearly full: {Items} of {Capacity} items wait for the hub. When it is full, new sales wait at their source")]
    private static partial void LogNearlyFull(ILogger logger, int items, int capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub acknowledged batch {BatchId}: {Receipts} receipts stored (already stored before: {AlreadyStored})")]
    private static partial void LogAcknowledged(ILogger logger, string batchId, int receipts, bool alreadyStored);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused one item of batch {BatchId} ({Detail}); it is kept aside in the outbox's rejected_items, the rest goes again")]
    private static partial void LogItemRefused(ILogger logger, string batchId, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused batch {BatchId} ({Status}: {Detail}); it is kept aside in the outbox's rejected_batches")]
    private static partial void LogRefused(ILogger logger, string batchId, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver batch {BatchId} ({Status}); trying again in {Delay} (attempt {Attempt})")]
    private static partial void LogRetry(ILogger logger, string batchId, StatusCode status, TimeSpan delay, int attempt);
}
