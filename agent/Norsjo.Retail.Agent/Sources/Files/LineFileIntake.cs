using System.Security.Cryptography;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>What one reading of a line file came to.</summary>
public enum Intake
{
    /// <summary>Nothing complete to take yet (not even a whole first line), or the file could not be opened.</summary>
    Waiting,

    /// <summary>Read as far as complete receipts go; the file may grow.</summary>
    Read,

    /// <summary>Read to its end, and the file is finished.</summary>
    ReadToEnd,

    /// <summary>The file cannot be read (no usable header, nothing in it): nothing taken.</summary>
    Unreadable,

    /// <summary>The outbox is full: what fitted is stored, the rest waits in the file.</summary>
    OutboxFull,
}

/// <summary>The outcome of one reading: the new checkpoint, what was taken and what could not be used.</summary>
public sealed record IntakeOutcome(Intake Result, FileCheckpoint? Checkpoint, int Receipts, int Deliveries, IReadOnlyList<LineError> Errors, string? FileError, string? Header, bool StartedOver)
{
    public static IntakeOutcome Waiting { get; } = new(Intake.Waiting, null, 0, 0, [], null, null, false);
}

/// <summary>
/// Reads a line file (CSV, JSON lines) from its checkpoint, the way log shippers tail files: only
/// complete lines and complete receipts, in chunks that are stored in the outbox together with the
/// checkpoint after them, so memory stays small for a file of any size and a kill at any moment
/// leaves the file exactly as far read as the outbox says. A checkpoint whose fingerprints no
/// longer match (the file was truncated or rewritten) is started over from the beginning: the hub
/// keys every receipt, so what is sent again counts once, and nothing is lost.
/// </summary>
public sealed partial class LineFileIntake(SqliteOutbox outbox, ReceiptAnonymiser anonymiser, Evidence.DeliveryEvidence evidence, TimeProvider time, ILogger logger, int receiptsPerCommit = LineFileReader.ReceiptsPerChunk)
{
    /// <summary>Bytes of the start of a file, and before its position, that identify its content.</summary>
    public const int FingerprintBytes = 1024;

    /// <param name="known">The file's checkpoint, null when it has none.</param>
    /// <param name="finished">The file will not grow any more (settled, or marked finished).</param>
    /// <param name="taken">The file has been moved aside as taken (it is watched in case its writer goes on).</param>
    /// <param name="headerBefore">The header of an earlier file of the same name, for a continuation written without one.</param>
    /// <param name="tentative">The file may grow although it seems finished: a last receipt that does not hold together waits.</param>
    public IntakeOutcome Read(string path, ILineFormat format, FileCheckpoint? known, bool finished, bool taken, string? headerBefore, bool tentative = false)
    {
        ArgumentNullException.ThrowIfNull(format);
        FileStream stream;
        try
        {
            // Shared: the till may go on writing, renaming or deleting; the agent only reads.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (IOException)
        {
            return IntakeOutcome.Waiting;
        }
        catch (UnauthorizedAccessException)
        {
            return IntakeOutcome.Waiting;
        }

        using (stream)
        {
            var length = stream.Length;
            var identity = FileIdentity.Of(path);
            var modified = File.GetLastWriteTimeUtc(path).Ticks;
            var name = known?.Name ?? Path.GetFileName(path);
            var startedOver = known is not null && !StillMatches(stream, known, length);
            if (startedOver)
            {
                LogStartedOver(logger, Path.GetFileName(path), known!.Offset, length);
            }

            var header = LineFileReader.ReadHeader(stream, format, length, finished);
            if (header is null)
            {
                // A growing file may start empty, or with its header alone, and wait for its first sale.
                return finished && length == 0 && !taken && !tentative
                    ? new IntakeOutcome(Intake.Unreadable, known, 0, 0, [], LineFileReader.NothingInIt(format, hadHeader: false), null, startedOver)
                    : IntakeOutcome.Waiting;
            }

            var (headerText, dataStart) = header.Value;
            var parser = format.Start(headerText, out var problem);
            if (parser is null && headerBefore is not null && format.Start(headerBefore, out _) is { } continuation)
            {
                // The till appended to a file of this name after the agent took it, and the new file has
                // no header: it is read with the header of the one before.
                (parser, headerText, dataStart) = (continuation, headerBefore, ReadPosition.At(0, 0));
            }

            if (parser is null)
            {
                return new IntakeOutcome(Intake.Unreadable, known, 0, 0, [], problem ?? LineFileReader.NothingInIt(format, hadHeader: false), null, startedOver);
            }

            var resume = known is not null && !startedOver && known.Offset >= dataStart.Offset
                ? new ReadPosition(known.Offset, known.Line, known.ResumeOffset, known.ResumeLine)
                : dataStart;
            var id = known?.Id ?? 0;
            var receipts = 0;
            var deliveries = 0;
            var serviceTransactions = 0;
            var errors = new List<LineError>();
            FileCheckpoint? checkpoint = known;
            var full = false;
            var after = LineFileReader.Read(stream, parser, resume, length, finished, chunk =>
            {
                var anonymised = new List<Contracts.V1.Receipt>(chunk.Receipts.Count);
                var homeDeliveries = new List<Contracts.V1.HomeDelivery>();
                var services = new List<ServiceEvent>();
                foreach (var receipt in chunk.Receipts)
                {
                    services.AddRange(anonymiser.AnonymiseServices(receipt));
                    if (receipt.Lines.Count == 0)
                    {
                        // Service transactions alone (a parcel handed out): counted, no sale to send.
                        continue;
                    }

                    anonymised.Add(anonymiser.Anonymise(receipt));
                    if (anonymiser.AnonymiseDelivery(receipt) is { } delivery)
                    {
                        // The store's own evidence first (personal data, kept locally), then the outbox.
                        evidence.Record(receipt);
                        homeDeliveries.Add(delivery);
                    }
                }

                var next = Checkpoint(stream, id, identity, path, name, chunk.After, length, modified, headerText, taken);
                if (outbox.TryEnqueue(new OutboxItems(anonymised, [], homeDeliveries) { ServiceEvents = services }, next, null) is not { } saved)
                {
                    full = true;
                    return false;
                }

                id = saved;
                checkpoint = next with { Id = saved };
                receipts += anonymised.Count;
                deliveries += homeDeliveries.Count;
                serviceTransactions += services.Count;
                if (errors.Count < LineFileReader.MaxErrorsKept)
                {
                    errors.AddRange(chunk.Errors.Take(LineFileReader.MaxErrorsKept - errors.Count));
                }

                return true;
            }, receiptsPerCommit, tentative);

            if (full)
            {
                return new IntakeOutcome(Intake.OutboxFull, checkpoint, receipts, deliveries, errors, null, headerText, startedOver);
            }

            var fresh = resume == dataStart && (known is null || startedOver);
            if (finished && fresh && !taken && !tentative && receipts == 0 && serviceTransactions == 0 && errors.Count == 0 && after.Offset == length)
            {
                return new IntakeOutcome(Intake.Unreadable, checkpoint, 0, 0, [], LineFileReader.NothingInIt(format, hadHeader: format.HasHeader), headerText, startedOver);
            }

            return new IntakeOutcome(finished && after.Offset == length ? Intake.ReadToEnd : Intake.Read, checkpoint, receipts, deliveries, errors, null, headerText, startedOver);
        }
    }

    /// <summary>The whole content's key, as the outbox remembers files taken before (the same file dropped twice is not sent twice).</summary>
    public static string ContentKey(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
        return "file:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Does the file still hold what the checkpoint was read from: as long, and the same bytes at its start and before its position?</summary>
    private static bool StillMatches(FileStream stream, FileCheckpoint known, long length) =>
        length >= known.Offset && length >= known.HeadLength
        && Sha(stream, 0, known.HeadLength).AsSpan().SequenceEqual(known.HeadSha)
        && Before(stream, known.Offset).AsSpan().SequenceEqual(known.BeforeSha);

    private FileCheckpoint Checkpoint(
        FileStream stream, long id, FileIdentity identity, string path, string name, ReadPosition at, long length, long modified, string? header, bool taken)
    {
        var head = (int)Math.Min(length, FingerprintBytes);
        return new FileCheckpoint(id, identity.Device, identity.Inode, path, name, head, Sha(stream, 0, head),
            at.Offset, at.Line, at.ResumeOffset, at.ResumeLine, Before(stream, at.Offset), length, modified, header, taken, time.GetUtcNow());
    }

    private static byte[] Before(FileStream stream, long offset)
    {
        var count = (int)Math.Min(offset, FingerprintBytes);
        return Sha(stream, offset - count, count);
    }

    /// <summary>SHA-256 of a stretch of the file, read without moving the stream the lines are read from.</summary>
    private static byte[] Sha(FileStream stream, long offset, int count)
    {
        var bytes = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = RandomAccess.Read(stream.SafeFileHandle, bytes.AsSpan(read), offset + read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return SHA256.HashData(bytes.AsSpan(0, read));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} was truncated or rewritten (read to byte {Offset}, now {Length} bytes): read again from its start; the hub counts each sale once")]
    private static partial void LogStartedOver(ILogger logger, string file, long offset, long length);
}
