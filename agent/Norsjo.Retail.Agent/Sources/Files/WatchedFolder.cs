using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>
/// A folder a till writes files into. A file is taken once it has stopped changing and no one holds
/// it open; its contents are anonymised and stored in the outbox; only then is it moved to
/// "behandlade". Lines that cannot be used go to "fel" (a report saying which line and what is
/// wrong, and the lines themselves, to be fixed and dropped in again); the rest of the file goes on.
/// A file with the same content as one taken before is recognised and not sent twice. Whatever a
/// file holds, the folder keeps working.
/// </summary>
public sealed partial class WatchedFolder(
    string folder, IReadOnlyList<IFileFormat> formats, SqliteOutbox outbox, ReceiptAnonymiser anonymiser,
    Evidence.DeliveryEvidence evidence, TimeProvider time, ILogger logger)
{
    public const string ProcessedFolder = "behandlade";
    public const string ErrorFolder = "fel";

    private readonly Dictionary<string, (long Length, DateTime Modified, DateTimeOffset Since)> _seen = [];

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Takes every file that has settled. Returns how many were handled; stops early when the outbox is full.</summary>
    public int ScanOnce(TimeSpan settleTime)
    {
        Directory.CreateDirectory(Folder);
        var handled = 0;
        var now = time.GetUtcNow();
        var present = Directory.EnumerateFiles(Folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && formats.Any(format => format.Accepts(Path.GetFileName(f))))
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
                if (settleTime > TimeSpan.Zero)
                {
                    continue;
                }
            }
            else if (now - seen.Since < settleTime)
            {
                continue;
            }

            switch (TryTake(path, reimport: false))
            {
                case Taken.Yes:
                    _seen.Remove(path);
                    handled++;
                    break;
                case Taken.OutboxFull:
                    return handled;
            }
        }

        return handled;
    }

    /// <summary>True while some file waits to settle, so the caller can look again sooner.</summary>
    public bool HasUnsettledFiles => _seen.Count > 0;

    /// <summary>
    /// After the outbox had to be rebuilt: send again every file taken in the last days. The hub
    /// recognises what it already has (receipt keys do not change), so nothing counts twice.
    /// </summary>
    public int ReimportProcessed(TimeSpan within)
    {
        var processed = Path.Combine(Folder, ProcessedFolder);
        if (!Directory.Exists(processed))
        {
            return 0;
        }

        var since = time.GetUtcNow() - within;
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(processed, "*", SearchOption.AllDirectories)
                     .Where(f => formats.Any(format => format.Accepts(Path.GetFileName(f))) && File.GetLastWriteTimeUtc(f) >= since.UtcDateTime)
                     .Order(StringComparer.Ordinal))
        {
            if (TryTake(path, reimport: true) == Taken.Yes)
            {
                count++;
            }
        }

        return count;
    }

    private enum Taken
    {
        No,
        Yes,
        OutboxFull,
    }

    private Taken TryTake(string path, bool reimport)
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
            return Taken.No;
        }

        var name = Path.GetFileName(path);
        var sourceKey = "file:" + Convert.ToHexStringLower(SHA256.HashData(content));
        if (!reimport && outbox.IsImported(sourceKey))
        {
            LogDuplicate(logger, name);
            MoveAside(path, Path.Combine(Folder, ProcessedFolder, Today()));
            return Taken.Yes;
        }

        var format = formats.First(f => f.Accepts(name));
        FileReadResult result;
        try
        {
            result = format.Read(content);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A reader's own fault must not stop the agent: the file waits in "fel" with the reason.
            result = FileReadResult.Unreadable($"Filen kunde inte läsas ({e.GetType().Name}: {e.Message}).");
        }

        if (result.FileError is not null)
        {
            LogUnreadable(logger, name, result.FileError);
            var moved = reimport ? path : MoveAside(path, Path.Combine(Folder, ErrorFolder));
            if (!reimport)
            {
                WriteReport(moved + ".fel.txt", name, result);
            }

            return Taken.Yes;
        }

        var receipts = new List<Contracts.V1.Receipt>();
        var deliveries = new List<Contracts.V1.HomeDelivery>();
        foreach (var receipt in result.Receipts)
        {
            receipts.Add(anonymiser.Anonymise(receipt));
            if (anonymiser.AnonymiseDelivery(receipt) is { } delivery)
            {
                // The store's own evidence first (personal data, kept locally), then the outbox.
                evidence.Record(receipt);
                deliveries.Add(delivery);
            }
        }

        if (!outbox.TryEnqueue(new OutboxItems(receipts, result.DailyTotals, deliveries), sourceKey, name))
        {
            LogOutboxFull(logger, name, outbox.Capacity);
            return Taken.OutboxFull;
        }

        if (reimport)
        {
            return Taken.Yes;
        }

        var processed = MoveAside(path, Path.Combine(Folder, ProcessedFolder, Today()));
        if (result.Errors.Count > 0)
        {
            var report = Path.Combine(Folder, ErrorFolder, Path.GetFileName(processed) + ".fel.txt");
            WriteReport(report, name, result);
            WriteBadLines(Path.Combine(Folder, ErrorFolder, Path.GetFileNameWithoutExtension(processed) + ".felrader" + Path.GetExtension(processed)), content, result);
            LogPartly(logger, name, result.Count, result.Errors.Count, report);
        }
        else
        {
            LogTaken(logger, name, receipts.Count, result.DailyTotals.Count, deliveries.Count);
        }

        return Taken.Yes;
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
    private static void WriteReport(string reportPath, string fileName, FileReadResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Fel i filen {fileName}")
            .AppendLine();
        if (result.FileError is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Filen kunde inte läsas: {result.FileError}")
                .AppendLine("Inget ur filen har skickats. Rätta filen och lägg den i mappen igen.");
        }
        else
        {
            var errors = result.Errors;
            text.AppendLine(CultureInfo.InvariantCulture,
                    $"{result.Count} poster lästes och skickas. {errors.Count} {(errors.Count == 1 ? "rad" : "rader")} kunde inte användas:")
                .AppendLine();
            foreach (var error in errors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"rad {error.LineNumber}: {error.Problem}")
                    .AppendLine(CultureInfo.InvariantCulture, $"    {error.RawLine}");
            }

            text.AppendLine()
                .AppendLine("De felaktiga raderna finns i filen med \".felrader\" i namnet. Rätta dem och lägg filen i mappen igen.");
        }

        File.WriteAllText(reportPath, text.ToString(), new UTF8Encoding(true));
    }

    /// <summary>The unusable lines (with the header line, if the format has one), ready to be fixed and dropped in again.</summary>
    private static void WriteBadLines(string path, byte[] content, FileReadResult result)
    {
        var lines = SwedishValues.DecodeText(content).Split('\n');
        var wanted = result.Errors.Select(e => e.LineNumber).ToHashSet();
        var text = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if ((i == 0 && !lines[0].TrimStart().StartsWith('{')) || wanted.Contains(i + 1))
            {
                text.Append(lines[i].TrimEnd('\r')).Append('\n');
            }
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: {Receipts} receipts, {DailyTotals} daily totals, {Deliveries} home deliveries queued")]
    private static partial void LogTaken(ILogger logger, string file, int receipts, int dailyTotals, int deliveries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: {Items} records queued, {Errors} lines could not be used; see {Report}")]
    private static partial void LogPartly(ILogger logger, string file, int items, int errors, string report);

    [LoggerMessage(Level = LogLevel.Error, Message = "{File} could not be read and was moved to the error folder: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string file, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} was imported before (same content); not sent again")]
    private static partial void LogDuplicate(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The outbox is full ({Capacity} items): {File} stays in the folder until the hub has taken the backlog")]
    private static partial void LogOutboxFull(ILogger logger, string file, int capacity);
}
