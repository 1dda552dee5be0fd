namespace Norsjo.Retail.Agent.Sources;

/// <summary>
/// One way sales reach the agent (a folder of exports, SIE files, the POS plug-in). Each is switched
/// on in configuration and run by <see cref="SourceHost"/>; each hands anonymised items to the outbox.
/// </summary>
public interface ISalesSource
{
    string Name { get; }

    /// <summary>Runs until stopped. An exception restarts the source after a pause; the agent goes on.</summary>
    Task RunAsync(CancellationToken stoppingToken);
}
