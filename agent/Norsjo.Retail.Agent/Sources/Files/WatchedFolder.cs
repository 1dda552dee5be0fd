using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>
/// A folder a till writes files into. Line files (CSV, JSON lines) are read from a checkpoint kept
/// in the outbox (<see cref="LineFileIntake"/>), in one of two ways (<see cref="ExportFileMode"/>):
/// <list type="bullet">
/// <item><b>Finished files</b>: a file is taken once it is finished — its size and time unchanged
/// over the settle time, its last line complete, no one holding it locked and, if configured, its
/// marker file beside it — and then moved to "behandlade". A taken file is watched for a day: if its
/// writer goes on (a till that keeps the file open), the difference is taken too; a file of the same
/// name written afterwards without a header is read with the header of the one before.</item>
/// <item><b>Growing files</b>: every file is read as it grows, from its checkpoint; the till owns the
/// files (they are never moved); renamed (rotated), truncated or rewritten files are recognised by
/// their device, inode and fingerprints.</item>
/// </list>
/// Either way only complete receipts are taken. Lines that cannot be used go to "fel" (a report
/// saying which line and what is wrong, and the lines themselves, to be fixed and dropped in again);
/// the rest of the file goes on. Other formats (SIE) are read whole once finished. Whatever a file
/// holds, the folder keeps working.
/// </summary>
public sealed partial class WatchedFolder(
    string folder, IReadOnlyList<IFileFormat> formats, FolderRules rules, SqliteOutbox outbox, ReceiptAnonymiser anonymiser,
    Evidence.DeliveryEvidence evidence, TimeProvider time, ILogger logger)
{
    public const string ProcessedFolder = "behandlade";
    public const string ErrorFolder = "fel";

    /// <summary>A checkpoint of a file not seen for this long is forgotten.</summary>
    private static readonly TimeSpan CheckpointsKept = TimeSpan.FromDays(7);

    private readonly Dictionary<string, (long Length, DateTime Modified, DateTimeOffset Since)> _seen = [];
    private readonly LineFileIntake _intake = new(outbox, anonymiser, evidence, time, logger, rules.ReceiptsPerCommit);
    private DateTimeOffset _tidied = DateTimeOffset.MinValue;

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>True while some file is still changing or waits to be finished, so the caller can look again sooner.</summary>
    public bool HasUnsettledFiles { get; private set; }

    /// <summary>Takes what is ready in every file. Returns how many files were read; stops early when the outbox is full.</summary>
    public int ScanOnce()
    {
        Directory.CreateDirectory(Folder);
        var handled = 0;
        var now = time.GetUtcNow();
        var unsettled = false;
        var checkpoints = formats.Any(f => f is ILineFormat) ? outbox.FileCheckpoints() : [];
        var seen = new HashSet<long>();
        var present = Directory.EnumerateFiles(Folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var gone in _seen.Keys.Where(p => !present.Contains(p) && !File.Exists(p)).ToList())
        {
            _seen.Remove(gone);
        }

        foreach (var path in present)
        {
            var name = Path.GetFileName(path);
            var known = Match(checkpoints, path);
            // A file renamed by the till's rotation keeps its checkpoint, and its format, whatever its new name;
            // one rotated while the agent was away is known by logrotate's naming (kassa.csv.1).
            var format = formats.FirstOrDefault(f => f.Accepts(name))
                ?? (known is null ? null : formats.FirstOrDefault(f => f.Accepts(known.Name)))
                ?? formats.FirstOrDefault(f => f.Accepts(WithoutRotationNumber(name)));
            if (format is null)
            {
                continue;
            }

            if (known is not null)
            {
                seen.Add(known.Id);
            }

            var info = new FileInfo(path);
            var settled = Settled(path, info, now);
            var finished = settled && Finished(path, info, now);
            var fullyRead = known is not null && Unchanged(known, info) && known.Offset == known.Length;
            unsettled |= !finished && !fullyRead;
            Taken taken;
            if (format is not ILineFormat lines)
            {
                taken = finished ? TryTake(path, reimport: false) : Taken.No;
            }
            else if (rules.Mode == ExportFileMode.Growing)
            {
                if (known is not null && Unchanged(known, info) && (known.Offset == known.Length || !finished))
                {
                    continue;
                }

                taken = ReadGrowing(path, lines, known, finished, checkpoints);
            }
            else
            {
                taken = finished && NoOneHoldsLocked(path) ? TakeFinished(path, lines, known, checkpoints) : Taken.No;
            }

            switch (taken)
            {
                case Taken.Yes:
                    _seen.Remove(path);
                    handled++;
                    break;
                case Taken.OutboxFull:
                    HasUnsettledFiles = true;
                    return handled;
            }
        }

        if (rules.Mode == ExportFileMode.Finished)
        {
            unsettled |= WatchTakenFiles(checkpoints, now, seen);
        }

        HasUnsettledFiles = unsettled;
        if (checkpoints.Count > 0 && now - _tidied > TimeSpan.FromHours(1))
        {
            outbox.TidyCheckpoints(seen, now - CheckpointsKept, now - rules.TakenFilesWatchedFor);
            _tidied = now;
        }

        return handled;
    }

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
            if (TakeAgain(path) == Taken.Yes)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>A file in "behandlade" read again whole (the hub keeps each receipt once).</summary>
    private Taken TakeAgain(string path)
    {
        var format = formats.First(f => f.Accepts(Path.GetFileName(path)));
        return format is ILineFormat lines
            ? (_intake.Read(path, lines, null, finished: true, taken: true, headerBefore: null).Result == Intake.ReadToEnd ? Taken.Yes : Taken.No)
            : TryTake(path, reimport: true);
    }

    private enum Taken
    {
        No,
        Yes,
        OutboxFull,
    }

    /// <summary>A file in growing mode: whatever complete receipts it has gained since its checkpoint.</summary>
    private Taken ReadGrowing(string path, ILineFormat format, FileCheckpoint? known, bool finished, IReadOnlyList<FileCheckpoint> checkpoints)
    {
        var name = Path.GetFileName(path);
        var outcome = _intake.Read(path, format, known, finished, taken: false, known?.Header ?? HeaderOfEarlier(checkpoints, name), tentative: true);
        switch (outcome.Result)
        {
            case Intake.Waiting:
                return Taken.No;
            case Intake.Unreadable when outcome.Header is null && !finished:
                // A header that is wrong: said once, in the error folder; the file is left to the till.
                return Taken.No;
            case Intake.Unreadable:
                return Refuse(path, name, outcome.FileError!);
            case Intake.OutboxFull:
                LogOutboxFull(logger, name, outbox.Capacity);
                Report(path, name, outcome);
                return Taken.OutboxFull;
            default:
                Report(path, name, outcome);
                return outcome.Result == Intake.ReadToEnd ? Taken.Yes : Taken.No;
        }
    }

    /// <summary>A finished file in finished mode: read to its end from its checkpoint, then moved to "behandlade".</summary>
    private Taken TakeFinished(string path, ILineFormat format, FileCheckpoint? known, IReadOnlyList<FileCheckpoint> checkpoints)
    {
        var name = Path.GetFileName(path);
        if (known is null)
        {
            var contentKey = LineFileIntake.ContentKey(path);
            if (outbox.IsImported(contentKey))
            {
                LogDuplicate(logger, name);
                MoveAside(path, Path.Combine(Folder, ProcessedFolder, Today()));
                DeleteMarker(path);
                return Taken.Yes;
            }
        }

        var outcome = _intake.Read(path, format, known, finished: true, taken: false, known?.Header ?? HeaderOfEarlier(checkpoints, name));
        switch (outcome.Result)
        {
            case Intake.Waiting:
                return Taken.No;
            case Intake.Unreadable:
                return Refuse(path, name, outcome.FileError!);
            case Intake.OutboxFull:
                LogOutboxFull(logger, name, outbox.Capacity);
                return Taken.OutboxFull;
        }

        var processed = FreeName(path, Path.Combine(Folder, ProcessedFolder, Today()));
        if (outcome.Checkpoint is { } checkpoint)
        {
            // Where it goes, before it goes (a kill in between leaves it to be moved again, watched
            // all the same), so its writer going on is noticed; and its content, so the same file
            // dropped again is not sent twice.
            outbox.TryEnqueue(new OutboxItems([], [], []), checkpoint with { Path = processed, Taken = true }, LineFileIntake.ContentKey(path));
        }

        File.Move(path, processed);
        DeleteMarker(path);
        Report(processed, name, outcome);
        return Taken.Yes;
    }

    /// <summary>Taken files whose writer went on: the difference is taken. True while one of them is still changing.</summary>
    private bool WatchTakenFiles(IReadOnlyList<FileCheckpoint> checkpoints, DateTimeOffset now, HashSet<long> seen)
    {
        var unsettled = false;
        foreach (var known in checkpoints.Where(c => c.Taken))
        {
            var info = new FileInfo(known.Path);
            var format = formats.FirstOrDefault(f => f.Accepts(known.Name)) as ILineFormat;
            if (!info.Exists || format is null || now.UtcDateTime - info.LastWriteTimeUtc > rules.TakenFilesWatchedFor)
            {
                continue;
            }

            seen.Add(known.Id);
            var settled = Settled(known.Path, info, now);
            var finished = settled && Finished(known.Path, info, now);
            if (Unchanged(known, info) && (known.Offset == known.Length || !finished))
            {
                continue;
            }

            unsettled |= !finished;
            var outcome = _intake.Read(known.Path, format, known, finished, taken: true, known.Header, tentative: true);
            if (outcome.Receipts > 0 || outcome.Errors.Count > 0)
            {
                LogGrewAfterTaken(logger, known.Name, outcome.Receipts);
                Report(known.Path, known.Name, outcome);
            }
        }

        return unsettled;
    }

    /// <summary>The checkpoint of the file at this path: by device and inode where the system has them, else by path.</summary>
    private static FileCheckpoint? Match(IReadOnlyList<FileCheckpoint> checkpoints, string path)
    {
        if (checkpoints.Count == 0)
        {
            return null;
        }

        var identity = FileIdentity.Of(path);
        return identity.Known
            ? checkpoints.FirstOrDefault(c => c.Device == identity.Device && c.Inode == identity.Inode)
            : checkpoints.FirstOrDefault(c => c.Inode == 0 && string.Equals(c.Path, path, StringComparison.Ordinal));
    }

    /// <summary>"kassa.csv.1" → "kassa.csv": the name before logrotate numbered it.</summary>
    private static string WithoutRotationNumber(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0 && dot < name.Length - 1 && name[(dot + 1)..].All(char.IsAsciiDigit) ? name[..dot] : name;
    }

    private static string? HeaderOfEarlier(IReadOnlyList<FileCheckpoint> checkpoints, string name) =>
        checkpoints.Where(c => c.Header is not null && string.Equals(c.Name, name, StringComparison.Ordinal)).MaxBy(c => c.Id)?.Header;

    private static bool Unchanged(FileCheckpoint known, FileInfo info) =>
        info.Length == known.Length && info.LastWriteTimeUtc.Ticks == known.ModifiedTicks;

    /// <summary>Size and time unchanged over the settle time.</summary>
    private bool Settled(string path, FileInfo info, DateTimeOffset now)
    {
        if (!_seen.TryGetValue(path, out var seen) || seen.Length != info.Length || seen.Modified != info.LastWriteTimeUtc)
        {
            _seen[path] = (info.Length, info.LastWriteTimeUtc, now);
            return rules.SettleTime <= TimeSpan.Zero;
        }

        return now - seen.Since >= rules.SettleTime;
    }

    /// <summary>
    /// Settled, and its last line complete (a till that ends its last line without a line end is
    /// waited for ten times the settle time), and its marker file there if the till writes one.
    /// </summary>
    private bool Finished(string path, FileInfo info, DateTimeOffset now)
    {
        if (rules.FinishedMarker is { Length: > 0 } marker && !File.Exists(path + marker))
        {
            return false;
        }

        if (info.Length == 0 || EndsWithLineEnd(path, info.Length))
        {
            return true;
        }

        return _seen.TryGetValue(path, out var seen) && now - seen.Since >= rules.SettleTime * 10;
    }

    private static bool EndsWithLineEnd(string path, long length)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> last = stackalloc byte[1];
            return RandomAccess.Read(handle, last, length - 1) == 1 && last[0] == '\n';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A writer that takes a lock (flock, or Windows' sharing) is seen; one that takes none is judged by <see cref="Finished"/>.</summary>
    private static bool NoOneHoldsLocked(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void DeleteMarker(string path)
    {
        if (rules.FinishedMarker is { Length: > 0 } marker && File.Exists(path + marker))
        {
            File.Delete(path + marker);
        }
    }

    /// <summary>A file that cannot be read at all: to "fel", with the reason beside it.</summary>
    private Taken Refuse(string path, string name, string problem)
    {
        LogUnreadable(logger, name, problem);
        var moved = MoveAside(path, Path.Combine(Folder, ErrorFolder));
        DeleteMarker(path);
        WriteReport(moved + ".fel.txt", name, 0, [], problem);
        return Taken.Yes;
    }

    /// <summary>What a reading took, in the log, and what it could not use, in "fel".</summary>
    private void Report(string path, string name, IntakeOutcome outcome)
    {
        if (outcome.Errors.Count > 0)
        {
            var report = Path.Combine(Folder, ErrorFolder, Path.GetFileName(path) + ".fel.txt");
            WriteReport(report, name, outcome.Receipts + outcome.Deliveries, outcome.Errors, null);
            WriteBadLines(Path.Combine(Folder, ErrorFolder, Path.GetFileNameWithoutExtension(path) + ".felrader" + Path.GetExtension(path)), outcome.Header, outcome.Errors);
            LogPartly(logger, name, outcome.Receipts + outcome.Deliveries, outcome.Errors.Count, report);
        }
        else if (outcome.Receipts > 0)
        {
            LogTaken(logger, name, outcome.Receipts, 0, outcome.Deliveries);
        }
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
            if (reimport)
            {
                return Taken.Yes;
            }

            return Refuse(path, name, result.FileError);
        }

        var receipts = new List<Contracts.V1.Receipt>();
        var deliveries = new List<Contracts.V1.HomeDelivery>();
        var services = new List<ServiceEvent>();
        foreach (var receipt in result.Receipts)
        {
            services.AddRange(anonymiser.AnonymiseServices(receipt));
            if (receipt.Lines.Count == 0)
            {
                // Service transactions alone (a parcel handed out): counted, no sale to send.
                continue;
            }

            receipts.Add(anonymiser.Anonymise(receipt));
            if (anonymiser.AnonymiseDelivery(receipt) is { } delivery)
            {
                // The store's own evidence first (personal data, kept locally), then the outbox.
                evidence.Record(receipt);
                deliveries.Add(delivery);
            }
        }

        if (!outbox.TryEnqueue(new OutboxItems(receipts, result.DailyTotals, deliveries) { ServiceEvents = services }, sourceKey, name))
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
            WriteReport(report, name, result.Count, result.Errors, null);
            var badLines = Path.Combine(Folder, ErrorFolder, Path.GetFileNameWithoutExtension(processed) + ".felrader" + Path.GetExtension(processed));
            if (result.FixableContent is { } fixable)
            {
                File.WriteAllBytes(badLines, fixable);
            }
            else
            {
                WriteBadLines(badLines, null, result.Errors);
            }
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
        var target = FreeName(path, targetFolder);
        File.Move(path, target);
        return target;
    }

    /// <summary>Where a file moved into the folder goes: its own name, or with -1, -2 … if that is taken.</summary>
    private static string FreeName(string path, string targetFolder)
    {
        Directory.CreateDirectory(targetFolder);
        var name = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        var target = Path.Combine(targetFolder, name + extension);
        for (var n = 1; File.Exists(target); n++)
        {
            target = Path.Combine(targetFolder, $"{name}-{n}{extension}");
        }

        return target;
    }

    /// <summary>
    /// A report for the store owner, in Swedish: which line, what is wrong, and the line itself. A
    /// growing file can be read many times; each reading adds to its report.
    /// </summary>
    private static void WriteReport(string reportPath, string fileName, int count, IReadOnlyList<LineError> errors, string? fileError)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        var text = new StringBuilder();
        if (!File.Exists(reportPath))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Fel i filen {fileName}").AppendLine();
        }

        if (fileError is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Filen kunde inte läsas: {fileError}")
                .AppendLine("Inget ur filen har skickats. Rätta filen och lägg den i mappen igen.");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                    $"{count} poster lästes och skickas. {errors.Count} {(errors.Count == 1 ? "rad" : "rader")} kunde inte användas:")
                .AppendLine();
            foreach (var error in errors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"rad {error.LineNumber}: {error.Problem}")
                    .AppendLine(CultureInfo.InvariantCulture, $"    {error.RawLine}");
            }

            text.AppendLine()
                .AppendLine("De felaktiga raderna finns i filen med \".felrader\" i namnet. Rätta dem och lägg filen i mappen igen.");
        }

        File.AppendAllText(reportPath, text.ToString(), new UTF8Encoding(!File.Exists(reportPath)));
    }

    /// <summary>The unusable lines (after the header line, if the format has one), ready to be fixed and dropped in again.</summary>
    private static void WriteBadLines(string path, string? header, IReadOnlyList<LineError> errors)
    {
        var text = new StringBuilder();
        if (header is not null && !File.Exists(path))
        {
            text.Append(header).Append('\n');
        }

        foreach (var error in errors)
        {
            text.Append(error.RawLine).Append('\n');
        }

        File.AppendAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} grew after it was taken: {Receipts} more receipts queued")]
    private static partial void LogGrewAfterTaken(ILogger logger, string file, int receipts);

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
