using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Upload;

/// <summary>
/// Sends the outbox to the hub, oldest batch first, one unary call per batch. A batch leaves the
/// outbox only when the hub says it is stored; while the hub cannot be reached it waits, longer
/// each time, for as long as it takes — but looks at the hub every few seconds (<see cref="HubProbe"/>)
/// and sends at once when it is back. Nothing stops it: a full disk or any other fault is logged
/// and it carries on.
/// </summary>
public sealed partial class HubUploader(
    IOptions<AgentOptions> options, SqliteOutbox outbox, Heartbeat.AgentHealthMeter health, Heartbeat.ConnectionLog connectionLog, ILogger<HubUploader> logger) : BackgroundService
{
    private static readonly HashSet<StatusCode> Refusals =
        [StatusCode.InvalidArgument, StatusCode.PermissionDenied, StatusCode.FailedPrecondition, StatusCode.OutOfRange];

    private static readonly TimeSpan FaultPause = TimeSpan.FromSeconds(2);

    /// <summary>How old the health sent with a batch may be (counting the outbox for each batch would slow a long drain).</summary>
    private static readonly TimeSpan HealthAge = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var channel = HubChannel.Create(settings.HubUrl, settings.HubCertificate);
        var client = new Ingest.IngestClient(channel);
        var backoff = new RetryBackoff(settings.RetryInitialDelay, settings.RetryMaxDelay, Random.Shared);
        var headers = new Metadata { { "authorization", "Bearer " + settings.Credential } };
        var probe = new HubProbe(channel, headers, TimeSpan.FromSeconds(5));

        var warnedFull = false;
        var lastFillCheck = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await SendNextAsync(client, probe, backoff, headers, stoppingToken).ConfigureAwait(false))
                {
                    await outbox.WaitForWorkAsync(settings.PollInterval, stoppingToken).ConfigureAwait(false);
                }

                // The fill level is counted over the whole outbox: once a minute is often enough for the alarm.
                if (Stopwatch.GetElapsedTime(lastFillCheck) >= TimeSpan.FromMinutes(1))
                {
                    lastFillCheck = Stopwatch.GetTimestamp();
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
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (DiskFullException)
            {
                // Said once by the outbox; sending goes on as far as the disk lets it.
                await Task.Delay(FaultPause, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever it is, the uploader must not stop the agent: say it, wait, go on.
                LogFault(logger, e, FaultPause);
                await Task.Delay(FaultPause, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends the next batch; false when there is nothing to send.</summary>
    private async Task<bool> SendNextAsync(Ingest.IngestClient client, HubProbe probe, RetryBackoff backoff, Metadata headers, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var formed = Stopwatch.GetTimestamp();
        var pending = outbox.NextBatch(settings.StoreId, settings.MaxReceiptsPerBatch, settings.MaxBatchBytes);
        if (pending is null)
        {
            return false;
        }

        var (batchId, receipts, formedIn) = (pending.Request.BatchId, pending.Request.Receipts.Count, Stopwatch.GetElapsedTime(formed));
        LogFormed(logger, batchId, receipts, formedIn);

        try
        {
            try
            {
                outbox.RecordAttempt(pending.Request.BatchId);
            }
            catch (DiskFullException)
            {
                // Only a counter: the batch goes anyway.
            }

            // The agent's health rides with each batch; it is not part of what the batch id stands for.
            pending.Request.Health = health.MeasureRecent(HealthAge);
            var called = Stopwatch.GetTimestamp();
            var preparedIn = Stopwatch.GetElapsedTime(formed, called);
            LogPrepared(logger, batchId, preparedIn);
            var reply = await client.UploadBatchAsync(
                pending.Request, headers, DateTime.UtcNow + settings.UploadTimeout, stoppingToken).ConfigureAwait(false);
            var answeredIn = Stopwatch.GetElapsedTime(called);
            LogAnswered(logger, batchId, answeredIn);
            health.Succeeded(Heartbeat.HubCall.Upload);
            connectionLog.Contact(reached: true);
            backoff.Reset();
            outbox.Acknowledge(pending.Request.BatchId);
            LogAcknowledged(logger, reply.BatchId, reply.ReceiptsStored, reply.AlreadyStored);
        }
        catch (RpcException e) when (Refusals.Contains(e.StatusCode))
        {
            // The hub answered and decided: reached, and not a failed attempt.
            health.Succeeded(Heartbeat.HubCall.Upload);
            connectionLog.Contact(reached: true);
            // Sending it again would be refused again: keep aside what was refused — the one
            // item the hub named, or else the batch — for a person to look at, and go on.
            if (e.StatusCode == StatusCode.InvalidArgument && outbox.SetAsideItem(pending, e.Status.Detail))
            {
                LogItemRefused(logger, pending.Request.BatchId, e.Status.Detail);
                ReportRefusedDays(pending.Request, e.Status.Detail, only: RefusedDayIndex(e.Status.Detail) ?? -1);
            }
            else
            {
                outbox.SetAside(pending, $"{e.StatusCode}: {e.Status.Detail}");
                LogRefused(logger, pending.Request.BatchId, e.StatusCode, e.Status.Detail);
                ReportRefusedDays(pending.Request, $"{e.StatusCode}: {e.Status.Detail}", only: null);
            }
        }
        catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
        {
            health.Failed(Heartbeat.HubCall.Upload, e.StatusCode);
            connectionLog.Contact(reached: !HubProbe.IsTransportFailure(e));
            var delay = backoff.NextDelay();
            // A hub that says how long to wait (rate limit) is believed, if it asks for longer.
            var hinted = long.TryParse(e.Trailers.GetValue("retry-after-ms"), System.Globalization.CultureInfo.InvariantCulture, out var hintMs)
                && TimeSpan.FromMilliseconds(hintMs) > delay;
            if (hinted)
            {
                delay = TimeSpan.FromMilliseconds(hintMs);
            }

            try
            {
                outbox.RecordError($"{e.StatusCode}: {e.Status.Detail}");
            }
            catch (DiskFullException)
            {
                // the log line below says it
            }

            LogRetry(logger, pending.Request.BatchId, e.StatusCode, delay, pending.Attempts + 1);
            await WaitForRetryAsync(probe, delay, hinted, HubProbe.IsTransportFailure(e), stoppingToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>"daily_totals[3].date: …" → 3.</summary>
    private static int? RefusedDayIndex(string detail) => RefusedItem.Of(detail) is ("daily_totals", var index) ? index : null;

    /// <summary>Refused days go to "fel" of their folder too (Sources/Sie/RefusedDays.cs), not only to the log.</summary>
    private void ReportRefusedDays(UploadBatchRequest request, string refusal, int? only)
    {
        for (var i = 0; i < request.DailyTotals.Count; i++)
        {
            if (only is not null && only != i)
            {
                continue;
            }

            try
            {
                Sources.Sie.RefusedDays.Report(options.Value, request.DailyTotals[i], refusal, DateTimeOffset.Now);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogFault(logger, e, TimeSpan.Zero);
            }
        }
    }

    /// <summary>
    /// Waits out the back-off, but looks at the hub every <see cref="AgentOptions.HubProbeInterval"/> and
    /// returns early once it is back: when it says it serves, or (a hub without the health service)
    /// when it answers after not answering. A wait the hub asked for is kept in full.
    /// </summary>
    private async Task WaitForRetryAsync(HubProbe probe, TimeSpan delay, bool hinted, bool wasUnreachable, CancellationToken stoppingToken)
    {
        var interval = options.Value.HubProbeInterval;
        if (hinted || interval <= TimeSpan.Zero || delay <= interval)
        {
            await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var previous = wasUnreachable ? HubReadiness.Unreachable : HubReadiness.NotServing;
        while (true)
        {
            var left = delay - Stopwatch.GetElapsedTime(started);
            // A little jitter, so shops that lost the hub together do not all come knocking in the same second.
            var step = interval * (0.75 + (Random.Shared.NextDouble() * 0.5));
            if (left <= step)
            {
                await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, stoppingToken).ConfigureAwait(false);
                return;
            }

            await Task.Delay(step, stoppingToken).ConfigureAwait(false);
            var asked = Stopwatch.GetTimestamp();
            var now = await probe.CheckAsync(stoppingToken).ConfigureAwait(false);
            connectionLog.Contact(now != HubReadiness.Unreachable, now == HubReadiness.Unreachable ? null : Stopwatch.GetElapsedTime(asked));
            if (now == HubReadiness.Serving || (now == HubReadiness.Answers && previous == HubReadiness.Unreachable))
            {
                LogHubBack(logger, now, Stopwatch.GetElapsedTime(started));
                return;
            }

            previous = now;
        }
    }

    // Debug: where the time of a batch goes (`./norsjo bench agent startup` shows them for the first batch).
    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch {BatchId} of {Receipts} receipts formed from the outbox in {Took}")]
    private static partial void LogFormed(ILogger logger, string batchId, int receipts, TimeSpan took);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch {BatchId} ready to go {Took} after the outbox was asked (attempt recorded, health measured)")]
    private static partial void LogPrepared(ILogger logger, string batchId, TimeSpan took);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch {BatchId}: the hub answered in {Took} (with the connection's opening, if there was none)")]
    private static partial void LogAnswered(ILogger logger, string batchId, TimeSpan took);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The outbox is nearly full: {Items} of {Capacity} items wait for the hub. When it is full, new sales wait at their source")]
    private static partial void LogNearlyFull(ILogger logger, int items, int capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub acknowledged batch {BatchId}: {Receipts} receipts stored (already stored before: {AlreadyStored})")]
    private static partial void LogAcknowledged(ILogger logger, string batchId, int receipts, bool alreadyStored);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused one item of batch {BatchId} ({Detail}); it is kept aside in the outbox's rejected_items, the rest goes again")]
    private static partial void LogItemRefused(ILogger logger, string batchId, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused batch {BatchId} ({Status}: {Detail}); it is kept aside in the outbox's rejected_batches")]
    private static partial void LogRefused(ILogger logger, string batchId, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver batch {BatchId} ({Status}); trying again in {Delay} (attempt {Attempt}), sooner if the hub is seen to be back")]
    private static partial void LogRetry(ILogger logger, string batchId, StatusCode status, TimeSpan delay, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The hub is back ({Readiness}) after {Waited}: sending now")]
    private static partial void LogHubBack(ILogger logger, HubReadiness readiness, TimeSpan waited);

    [LoggerMessage(Level = LogLevel.Error, Message = "Upload fault; going on in {Pause}")]
    private static partial void LogFault(ILogger logger, Exception exception, TimeSpan pause);
}
