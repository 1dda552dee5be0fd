namespace Norsjo.Retail.Agent.Sources;

/// <summary>Runs every enabled source side by side and restarts one that fails, so the agent keeps working whatever it is fed.</summary>
public sealed partial class SourceHost(IEnumerable<ISalesSource> sources, ILogger<SourceHost> logger) : BackgroundService
{
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(10);

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
}
