namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>
/// How far a file has been read: bytes and lines consumed, and where the last receipt taken began,
/// in case more of its rows arrive (then it is read again from there and sent whole).
/// </summary>
public readonly record struct ReadPosition(long Offset, int Line, long ResumeOffset, int ResumeLine)
{
    public static ReadPosition At(long offset, int line) => new(offset, line, offset, line);
}

/// <summary>What one piece of reading yielded, to be stored together with the position after it.</summary>
public sealed record ReadChunk(IReadOnlyList<PosReceipt> Receipts, IReadOnlyList<LineError> Errors, ReadPosition After);

/// <summary>
/// Turns a stretch of a line file into receipts, a chunk at a time. Only complete receipts are
/// taken: a receipt's rows follow one another, so it is complete once a row of another receipt
/// follows it, or when the file is finished. A receipt whose rows may still be arriving waits, and
/// the position stays before it.
/// </summary>
public static class LineFileReader
{
    /// <summary>
    /// Receipts stored per commit (Agent:FileReceiptsPerCommit): what one reading holds in memory at once, twice over
    /// (as read and anonymised). 500, not 2,000: a native agent's peak under a burst was 5 MB lower (agent/README.md, "Memory").
    /// </summary>
    public const int ReceiptsPerChunk = 500;

    /// <summary>At most this many unusable lines are kept for a report from one chunk, so a file of junk cannot fill memory.</summary>
    public const int MaxErrorsKept = 10_000;

    /// <summary>
    /// Reads from <paramref name="from"/> (its resume point) to <paramref name="end"/>. Every chunk
    /// goes to <paramref name="store"/> with the position after it; when it answers false (no room)
    /// reading stops. Returns the position of the last chunk stored.
    /// </summary>
    /// <param name="finished">The file seems finished: its last receipt, and a last line without a line end, are complete.</param>
    /// <param name="tentative">
    /// The file may yet grow although it seems finished (a growing file, or a taken one whose writer went on):
    /// a last receipt that does not hold together waits for its other rows instead of being reported.
    /// </param>
    public static ReadPosition Read(
        Stream stream, IReceiptLines parser, ReadPosition from, long end, bool finished, Func<ReadChunk, bool> store,
        int receiptsPerChunk = ReceiptsPerChunk, bool tentative = false)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(store);
        var source = new LineSource(stream, from.ResumeOffset, end, takeUnterminated: finished);
        var alreadySent = from.Offset;
        var receipts = new List<PosReceipt>();
        var errors = new List<LineError>();
        var group = new List<ParsedLine>();
        var closedKeys = new HashSet<string>(StringComparer.Ordinal);
        long groupStart = from.ResumeOffset, groupEnd = from.ResumeOffset;
        var groupLine = from.ResumeLine;
        var lineNumber = from.ResumeLine;
        var position = from;
        var stored = from;

        bool Flush(ReadPosition after)
        {
            if (!store(new ReadChunk(receipts, errors, after)))
            {
                return false;
            }

            stored = after;
            receipts = [];
            errors = [];
            return true;
        }

        void Close()
        {
            if (group.Count == 0)
            {
                return;
            }

            // The receipt the reading resumed at, with no new rows: it was sent before.
            if (groupEnd > alreadySent)
            {
                if (!parser.ReceiptPerLine && group[0].ReceiptKey.Length > 0 && !closedKeys.Add(group[0].ReceiptKey))
                {
                    errors.AddRange(group.Select(l => new LineError(l.LineNumber,
                        $"Kvitto {l.ReceiptKey} har rader på fler än ett ställe i filen; ett kvittos rader ska komma i följd. Raderna skickas inte.", l.Raw)));
                }
                else
                {
                    var assembled = parser.Assemble(group);
                    if (assembled.Receipt is not null)
                    {
                        receipts.Add(assembled.Receipt);
                    }

                    errors.AddRange(assembled.Errors);
                }
            }

            group.Clear();
        }

        while (source.Next(out var line))
        {
            lineNumber++;
            if (line.Text is null)
            {
                errors.Add(new LineError(lineNumber, $"Raden är längre än {LineSource.MaxLineBytes / 1024} KiB och kan inte vara en kvittorad.", "(för lång för att visas)"));
                continue;
            }

            if (line.Text.Trim().Length == 0)
            {
                if (group.Count == 0)
                {
                    position = ReadPosition.At(line.End, lineNumber);
                }

                continue;
            }

            var parsed = parser.Parse(lineNumber, line.Text);
            if (group.Count > 0 && (parser.ReceiptPerLine || parsed.ReceiptKey != group[0].ReceiptKey))
            {
                Close();
                position = ReadPosition.At(line.Start, lineNumber - 1);
                if (receipts.Count >= receiptsPerChunk && !Flush(position))
                {
                    return stored;
                }
            }

            if (group.Count == 0)
            {
                groupStart = line.Start;
                groupLine = lineNumber - 1;
            }

            group.Add(parsed);
            groupEnd = line.End;
            if (errors.Count > MaxErrorsKept)
            {
                errors.RemoveRange(MaxErrorsKept, errors.Count - MaxErrorsKept);
            }
        }

        if (group.Count > 0)
        {
            if (parser.ReceiptPerLine || (finished && !(tentative && parser.Assemble(group).Receipt is null)))
            {
                Close();
                position = new ReadPosition(groupEnd, lineNumber, parser.ReceiptPerLine ? groupEnd : groupStart, parser.ReceiptPerLine ? lineNumber : groupLine);
            }
            else
            {
                // Its rows may still be arriving: it waits, and the next reading starts at it.
                group.Clear();
                position = ReadPosition.At(groupStart, groupLine);
            }
        }
        else if (source.Position > position.Offset)
        {
            position = ReadPosition.At(source.Position, lineNumber);
        }

        return Flush(position) ? position : stored;
    }

    /// <summary>The header line and where the data begins (after how many lines); null while not even the first line is complete.</summary>
    public static (string? Header, ReadPosition DataStart)? ReadHeader(Stream stream, ILineFormat format, long end, bool finished)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!format.HasHeader)
        {
            return (null, ReadPosition.At(0, 0));
        }

        var source = new LineSource(stream, 0, end, takeUnterminated: finished);
        var lines = 0;
        while (source.Next(out var line))
        {
            lines++;
            if (line.Text is null || line.Text.Trim().Length > 0)
            {
                return (line.Text ?? string.Empty, ReadPosition.At(line.End, lines));
            }
        }

        return null;
    }

    /// <summary>Why a finished file that yielded nothing at all is refused.</summary>
    public static string NothingInIt(ILineFormat format, bool hadHeader) => format is null ? throw new ArgumentNullException(nameof(format)) :
        hadHeader && format.HasHeader ? "Filen har inga rader efter rubrikraden." : "Filen är tom.";

    /// <summary>A whole file in memory, read the same way: for tests and small files.</summary>
    public static FileReadResult ReadAll(ILineFormat format, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(content, writable: false);
        var header = ReadHeader(stream, format, content.Length, finished: true);
        if (header is null)
        {
            return FileReadResult.Unreadable(NothingInIt(format, hadHeader: false));
        }

        var parser = format.Start(header.Value.Header, out var problem);
        if (parser is null)
        {
            return FileReadResult.Unreadable(problem ?? NothingInIt(format, hadHeader: false));
        }

        var receipts = new List<PosReceipt>();
        var errors = new List<LineError>();
        Read(stream, parser, header.Value.DataStart, content.Length, finished: true, chunk =>
        {
            receipts.AddRange(chunk.Receipts);
            errors.AddRange(chunk.Errors);
            return true;
        });
        return receipts.Count == 0 && errors.Count == 0
            ? FileReadResult.Unreadable(NothingInIt(format, hadHeader: true))
            : new FileReadResult(receipts, [], errors, null);
    }
}
