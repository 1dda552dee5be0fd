using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>
/// A source that watches one folder for files of some formats: the base of the export-folder and
/// SIE sources. It looks at every file-system notification and every poll interval, sooner while
/// a file is settling, and after the outbox had to be rebuilt it sends recent files again.
/// </summary>
public abstract partial class FolderSource(
    IOptions<AgentOptions> options, SqliteOutbox outbox, ReceiptAnonymiser anonymiser, Evidence.DeliveryEvidence evidence, TimeProvider time, ILogger logger) : ISalesSource
{
    public abstract string Name { get; }

    protected abstract string? FolderPath(AgentOptions settings);

    protected abstract IReadOnlyList<IFileFormat> Formats(AgentOptions settings);

    /// <summary>Finished files unless the source says otherwise (only the export folder's line files can be read as they grow).</summary>
    protected virtual ExportFileMode Mode(AgentOptions settings) => ExportFileMode.Finished;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var path = FolderPath(settings);
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var rules = new FolderRules(Mode(settings), settings.FileSettleTime, settings.FinishedMarker, settings.TakenFilesWatchedFor, Math.Max(1, settings.FileReceiptsPerCommit));
        var folder = new WatchedFolder(path, Formats(settings), rules, outbox, anonymiser, evidence, time, logger);
        Directory.CreateDirectory(folder.Folder);
        if (outbox.ReimportPending(Name))
        {
            var again = folder.ReimportProcessed(settings.ReimportAfterRecovery);
            LogReimported(logger, again, folder.Folder);
            outbox.Reimported(Name);
        }

        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(folder.Folder) { IncludeSubdirectories = false, EnableRaisingEvents = true };
        watcher.Created += (_, _) => changed.Release();
        watcher.Changed += (_, _) => changed.Release();
        watcher.Renamed += (_, _) => changed.Release();
        LogWatching(logger, Name, folder.Folder, rules.Mode);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                folder.SendAgainRequested(settings.ReimportAfterRecovery);
                _ = folder.ScanOnce();
            }
            catch (IOException e)
            {
                // A folder on a network share can vanish for a while; look again next round.
                LogScanFailed(logger, e, folder.Folder);
            }

            var wait = folder.HasUnsettledFiles && settings.FileSettleTime < settings.PollInterval ? settings.FileSettleTime : settings.PollInterval;
            await changed.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} watches {Folder} ({Mode} files)")]
    private static partial void LogWatching(ILogger logger, string source, string folder, ExportFileMode mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look through {Folder}")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox was rebuilt: {Count} recently taken files in {Folder} are sent again (the hub counts each sale once)")]
    private static partial void LogReimported(ILogger logger, int count, string folder);
}
