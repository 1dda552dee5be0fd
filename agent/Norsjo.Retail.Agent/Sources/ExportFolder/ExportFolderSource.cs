using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>
/// Watches the till's export folder. A file is read once it has stopped changing, its receipts are
/// anonymised and stored in the outbox, and only then is the file moved to "behandlade". Rows that
/// cannot be used are listed in a report in "fel" with the reason; the rest of the file goes on.
/// The same file dropped again is recognised by its content and not sent twice.
/// </summary>
public sealed partial class ExportFolderSource(
    IOptions<AgentOptions> options, SqliteOutbox outbox, ReceiptAnonymiser anonymiser, TimeProvider time,
    ILogger<ExportFolderSource> logger) : BackgroundService
{
    public const string ProcessedFolder = "behandlade";
    public const string ErrorFolder = "fel";

    private readonly Dictionary<string, (long Length, DateTime Modified, DateTimeOffset Since)> _seen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ExportFolder))
        {
            return;
        }

        var folder = Path.GetFullPath(settings.ExportFolder);
        Directory.CreateDirectory(folder);
        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(folder, "*.*") { IncludeSubdirectories = false, EnableRaisingEvents = true };
        watcher.Created += (_, _) => changed.Release();
        watcher.Changed += (_, _) => changed.Release();
        watcher.Renamed += (_, _) => changed.Release();
        LogWatching(logger, folder);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ScanOnce(folder, settings);
            }
            catch (IOException e)
            {
                // A folder on a network share can vanish for a while; look again next round.
                LogScanFailed(logger, e, folder);
            }

            var wait = _seen.Count > 0 && settings.FileSettleTime < settings.PollInterval ? settings.FileSettleTime : settings.PollInterval;
            await changed.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes every export in the folder that has settled. Returns how many files were handled.</summary>
    public int ScanOnce(string folder, AgentOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var handled = 0;
        var now = time.GetUtcNow();
        var present = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var gone in _seen.Keys.Except(present).ToList())
        {
            _seen.Remove(gone);
        }

        foreach (var path in present)
        {
            var info = new FileInfo(path);
            if (!_seen.TryGetValue(path, out var seen) || seen.Length != info.Length || seen.Modified != info.LastWriteTimeUtc)
            {
                _seen[path] = (info.Length, info.LastWriteTimeUtc, now);
                if (settings.FileSettleTime > TimeSpan.Zero)
                {
                    continue;
                }
            }
            else if (now - seen.Since < settings.FileSettleTime)
            {
                continue;
            }

            if (TryTake(path, settings))
            {
                _seen.Remove(path);
                handled++;
            }
        }

        return handled;
    }

    private bool TryTake(string path, AgentOptions settings)
    {
        byte[] content;
        try
        {
            // No one else may hold the file open for writing while it is read.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            content = new byte[stream.Length];
            stream.ReadExactly(content);
        }
        catch (IOException)
        {
            return false;
        }

        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(path)!;
        var sourceKey = "export-csv:" + Convert.ToHexStringLower(SHA256.HashData(content));
        if (outbox.IsImported(sourceKey))
        {
            LogDuplicate(logger, name);
            MoveAside(path, Path.Combine(folder, ProcessedFolder, Today()));
            return true;
        }

        var result = CsvReceiptReader.Read(content);
        if (result.FileError is not null)
        {
            LogUnreadable(logger, name, result.FileError);
            var errorFolder = Path.Combine(folder, ErrorFolder);
            var moved = MoveAside(path, errorFolder);
            WriteReport(moved + ".fel.txt", name, result);
            return true;
        }

        var receipts = result.Receipts.Select(anonymiser.Anonymise).ToList();
        var batches = BatchBuilder.ForReceipts(settings.StoreId, receipts, settings.MaxReceiptsPerBatch);
        outbox.Enqueue(batches, sourceKey, name);
        var processed = MoveAside(path, Path.Combine(folder, ProcessedFolder, Today()));
        if (result.Errors.Count > 0)
        {
            var report = Path.Combine(folder, ErrorFolder, Path.GetFileName(processed) + ".fel.txt");
            WriteReport(report, name, result);
            LogPartly(logger, name, receipts.Count, result.Errors.Count, report);
        }
        else
        {
            LogTaken(logger, name, receipts.Count, batches.Count);
        }

        return true;
    }

    private string Today() => time.GetLocalNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string MoveAside(string path, string targetFolder)
    {
        Directory.CreateDirectory(targetFolder);
        var name = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        var target = Path.Combine(targetFolder, name + extension);
        for (var n = 1; File.Exists(target); n++)
        {
            target = Path.Combine(targetFolder, $"{name}-{n}{extension}");
        }

        File.Move(path, target);
        return target;
    }

    /// <summary>A report for the store owner, in Swedish: which line, what is wrong, and the line itself.</summary>
    private static void WriteReport(string reportPath, string fileName, CsvReadResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Fel i exportfilen {fileName}")
            .AppendLine();
        if (result.FileError is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Filen kunde inte läsas: {result.FileError}")
                .AppendLine("Inget ur filen har skickats. Rätta filen och lägg den i exportmappen igen.");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{result.Receipts.Count} kvitton lästes och skickas. {result.Errors.Count} {(result.Errors.Count == 1 ? "rad" : "rader")} kunde inte användas:")
                .AppendLine();
            foreach (var error in result.Errors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"rad {error.LineNumber}: {error.Problem}")
                    .AppendLine(CultureInfo.InvariantCulture, $"    {error.RawLine}");
            }
        }

        File.WriteAllText(reportPath, text.ToString(), Encoding.UTF8);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching the export folder {Folder}")]
    private static partial void LogWatching(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look through the export folder {Folder}")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: {Receipts} receipts queued in {Batches} batches")]
    private static partial void LogTaken(ILogger logger, string file, int receipts, int batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: {Receipts} receipts queued, {Errors} lines could not be used; see {Report}")]
    private static partial void LogPartly(ILogger logger, string file, int receipts, int errors, string report);

    [LoggerMessage(Level = LogLevel.Error, Message = "{File} could not be read and was moved to the error folder: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string file, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} was imported before (same content); not sent again")]
    private static partial void LogDuplicate(ILogger logger, string file);
}
