using System.Globalization;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources;

/// <summary>
/// Runs every enabled source side by side and restarts one that fails, so the agent keeps working
/// whatever it is fed. When the disk is full a source pauses (its input stays where it is) until
/// the outbox can be written again, then carries on by itself.
/// </summary>
public sealed partial class SourceHost(
    IEnumerable<ISalesSource> sources, SqliteOutbox outbox, IOptions<AgentOptions> options, ILogger<SourceHost> logger) : BackgroundService
{
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DiskProbeInterval = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(sources.Select(source => KeepRunningAsync(source, stoppingToken)));

    private async Task KeepRunningAsync(ISalesSource source, CancellationToken stoppingToken)
    {
        LogStarting(logger, source.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await source.RunAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (DiskFull.Is(e))
            {
                var dataDirectory = options.Value.DataDirectory;
                AgentCondition.Set(dataDirectory, "disk-full " + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                LogPaused(logger, source.Name);
                await outbox.WaitUntilWritableAsync(options.Value.ResumeWhenFreeBytes, DiskProbeInterval, stoppingToken).ConfigureAwait(false);
                AgentCondition.Set(dataDirectory, "running");
                LogResumed(logger, source.Name);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFailed(logger, e, source.Name, RestartPause);
                await Task.Delay(RestartPause, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} starting")]
    private static partial void LogStarting(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source {Source} failed; restarting in {Pause}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string source, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Disk full: source {Source} pauses (its input stays where it is) until there is room again; uploads go on")]
    private static partial void LogPaused(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disk space is back: source {Source} resumes")]
    private static partial void LogResumed(ILogger logger, string source);
}
