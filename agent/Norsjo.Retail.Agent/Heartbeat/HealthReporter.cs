using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Upload;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Heartbeat;

/// <summary>
/// The agent's heartbeat: every <see cref="AgentOptions.HealthInterval"/> (and at start), whether or
/// not there is anything to send, it looks at the hub (the gRPC health check, timed: the connection
/// log's round trip) and sends its health and the complete days of its connection log
/// (Ingest.ReportHealth). An agent whose batches cannot get through but whose heartbeats do is so
/// seen to be alive; one the hub hears nothing from is off or cut off. An older hub without the
/// call answers UNIMPLEMENTED: the heartbeat goes on looking (the connection log still fills, its
/// days wait in the agent) and asks again only after <see cref="OldHubPause"/>, by when the hub may
/// have been upgraded. Sales are the uploader's and never wait for any of this.
/// </summary>
public sealed partial class HealthReporter(
    IOptions<AgentOptions> options, AgentHealthMeter meter, ConnectionLog log, HealthClock clock, ILogger<HealthReporter> logger) : BackgroundService
{
    /// <summary>After an UNIMPLEMENTED answer (an older hub), how long the heartbeat leaves the call alone.</summary>
    public static readonly TimeSpan OldHubPause = TimeSpan.FromHours(1);

    private bool _saidOldHub;
    private DateTimeOffset _oldHubUntil = DateTimeOffset.MinValue;
    private int _beats;
    private bool _away;

    /// <summary>Heartbeats done so far, counted once the wait for the next has begun (a test moving the clock waits for this).</summary>
    public int Beats => Volatile.Read(ref _beats);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.HealthInterval <= TimeSpan.Zero)
        {
            return;
        }

        var headers = new Metadata { { "authorization", "Bearer " + settings.Credential } };
        var channel = HubChannel.Create(settings.HubUrl, settings.HubCertificate);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var reached = false;
                try
                {
                    reached = await ReportAsync(new Ingest.IngestClient(channel), new HubProbe(channel, headers, TimeSpan.FromSeconds(10)), headers, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
                {
                    // The heartbeat must never stop the agent.
                    LogFault(logger, e);
                }

                if (!reached)
                {
                    // A channel whose connection failed waits out its own back-off and fails calls meanwhile:
                    // the next look, a minute on, gets a fresh one that tries at once.
                    channel.Dispose();
                    channel = HubChannel.Create(settings.HubUrl, settings.HubCertificate);
                }

                // While the hub is away, look again sooner: the outage's end is then known to that much.
                await NextBeatAsync(reached ? settings.HealthInterval : Min(settings.HealthInterval, settings.OfflineLookInterval), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            channel.Dispose();
        }
    }

    private async Task NextBeatAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        // The timer is set before the beat is counted, so a clock moved after the count always wakes it.
        var next = Task.Delay(interval, clock.Time, stoppingToken);
        Interlocked.Increment(ref _beats);
        await next.ConfigureAwait(false);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b || b <= TimeSpan.Zero ? a : b;

    /// <summary>One heartbeat; false when the hub could not be reached.</summary>
    private async Task<bool> ReportAsync(Ingest.IngestClient client, HubProbe probe, Metadata headers, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        var readiness = await probe.CheckAsync(stoppingToken).ConfigureAwait(false);
        var roundTrip = Stopwatch.GetElapsedTime(started);
        LogLooked(logger, readiness, roundTrip);
        if (readiness == HubReadiness.Unreachable)
        {
            log.Contact(reached: false);
            meter.Failed(HubCall.Heartbeat, StatusCode.Unavailable);
            if (!_away)
            {
                _away = true;
                LogAway(logger);
            }

            return false;
        }

        log.Contact(reached: true, roundTrip);
        _away = false;
        if (clock.Time.GetUtcNow() < _oldHubUntil)
        {
            return true;
        }

        var settings = options.Value;
        var request = new ReportHealthRequest
        {
            StoreId = settings.StoreId,
            AgentVersion = BatchBuilder.AgentVersion,
            Health = meter.Measure(),
        };
        request.ConnectionDays.AddRange(log.CompleteDays());
        try
        {
            var reply = await client.ReportHealthAsync(request, headers, DateTime.UtcNow + settings.UploadTimeout, stoppingToken).ConfigureAwait(false);
            meter.Succeeded(HubCall.Heartbeat);
            log.Sent(reply.DaysStored);
            if (reply.DaysStored.Count > 0)
            {
                LogDaysSent(logger, reply.DaysStored.Count);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            _oldHubUntil = clock.Time.GetUtcNow() + OldHubPause;
            if (!_saidOldHub)
            {
                _saidOldHub = true;
                LogOldHub(logger, OldHubPause);
            }
        }
        catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
        {
            log.Contact(!HubProbe.IsTransportFailure(e));
            meter.Failed(HubCall.Heartbeat, e.StatusCode);
            LogNotReported(logger, e.StatusCode);
            return !HubProbe.IsTransportFailure(e);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Heartbeat: the hub looked at ({Readiness}) in {Took}")]
    private static partial void LogLooked(ILogger logger, HubReadiness readiness, TimeSpan took);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat: the hub cannot be reached; the connection log counts the time until it can")]
    private static partial void LogAway(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection log: {Days} complete days are with the hub")]
    private static partial void LogDaysSent(ILogger logger, int days);

    [LoggerMessage(Level = LogLevel.Information, Message = "The hub does not take health reports (an older hub); the agent works as before, keeps its connection log and asks again in {Pause}")]
    private static partial void LogOldHub(ILogger logger, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health report not delivered ({Status}); again at the next heartbeat")]
    private static partial void LogNotReported(ILogger logger, StatusCode status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Heartbeat fault; going on at the next one")]
    private static partial void LogFault(ILogger logger, Exception exception);
}
