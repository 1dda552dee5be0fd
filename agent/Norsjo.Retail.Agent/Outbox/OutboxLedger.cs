using System.Globalization;
using System.Text;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>One entry of the ledger: items <see cref="First"/>–<see cref="Last"/> (outbox seq) came from one source.</summary>
/// <param name="PosDate">For a POS plug-in sale: its day and gross (the sale is the first item of the range).</param>
public sealed record LedgerEntry(long First, long Last, string SourceKey, DateOnly? PosDate, long PosGrossOre)
{
    public bool IsPosSale => PosDate is not null;
}

/// <summary>What the ledger says the outbox held, and which of it has left.</summary>
public sealed class LedgerContents(IReadOnlyList<LedgerEntry> entries, IReadOnlyList<(long First, long Last)> gone)
{
    public IReadOnlyList<LedgerEntry> Entries { get; } = entries;

    /// <summary>Is this seq recorded as having left the outbox (acknowledged, refused or set aside)?</summary>
    public bool HasLeft(long seq)
    {
        // gone is sorted and merged: binary search for the range that could hold seq.
        int lo = 0, hi = gone.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (seq < gone[mid].First)
            {
                hi = mid - 1;
            }
            else if (seq > gone[mid].Last)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every seq the outbox should still hold, in order.</summary>
    public IEnumerable<(long Seq, LedgerEntry Entry)> Held()
    {
        foreach (var entry in Entries)
        {
            for (var seq = entry.First; seq <= entry.Last; seq++)
            {
                if (!HasLeft(seq))
                {
                    yield return (seq, entry);
                }
            }
        }
    }
}

/// <summary>
/// The outbox's own record of what it holds, kept beside it in a plain append-only file
/// (<c>outbox-ledger.txt</c>) so that it survives whatever happens to the outbox file: one line per
/// source taken (the seq range of its items, and for a POS plug-in sale its day and sum) and one per
/// set of items that left. After damage it says exactly what was lost — which sales, from which
/// files — rather than guessing from checksums. Each line is on disk (fsync) before the operation it
/// records is reported done: "in" after the outbox committed, "out" before it deletes, so the
/// ledger never claims a loss that did not happen. Rewritten whole from the outbox at every sound
/// start, which also keeps it short.
/// </summary>
public sealed class OutboxLedger : IDisposable
{
    public const string FileName = "outbox-ledger.txt";

    private const int LinesBeforeRewrite = 50_000;

    private readonly string _path;
    private readonly object _gate = new();
    private FileStream? _stream;
    private int _lines;

    public OutboxLedger(string dataDirectory) => _path = Path.Combine(dataDirectory, FileName);

    public bool Exists => File.Exists(_path);

    /// <summary>True when a line could not be written (full disk): the ledger is rewritten from the outbox at the next chance.</summary>
    public bool Stale { get; private set; }

    public static LedgerContents? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var entries = new Dictionary<long, LedgerEntry>();
        var gone = new List<(long, long)>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var parts = line.Split(' ');
            try
            {
                if (parts is ["in", var range, var key, ..])
                {
                    var (first, last) = Range(range);
                    DateOnly? day = parts.Length >= 5 ? DateOnly.ParseExact(parts[3], "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
                    var gross = parts.Length >= 5 ? long.Parse(parts[4], CultureInfo.InvariantCulture) : 0;
                    entries[first] = new LedgerEntry(first, last, key, day, gross);
                }
                else if (parts is ["out", var ranges])
                {
                    gone.AddRange(ranges.Split(',').Select(Range));
                }
            }
            catch (FormatException)
            {
                // A line cut short by a power cut: the ones before and after still count.
            }
        }

        gone.Sort();
        var merged = new List<(long First, long Last)>();
        foreach (var (first, last) in gone)
        {
            if (merged.Count > 0 && first <= merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, last));
            }
            else
            {
                merged.Add((first, last));
            }
        }

        return new LedgerContents([.. entries.Values.OrderBy(e => e.First)], merged);
    }

    /// <summary>Items of one source are in the outbox.</summary>
    public void RecordIn(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Append(Line(entry));
    }

    /// <summary>These items leave the outbox (written before they are deleted).</summary>
    public void RecordOut(IReadOnlyCollection<long> seqs)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        if (seqs.Count > 0)
        {
            Append("out " + string.Join(',', Ranges(seqs).Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}")));
        }
    }

    public bool WantsRewrite => Stale || _lines > LinesBeforeRewrite;

    /// <summary>Replaces the whole ledger with what the outbox holds now (written aside, then renamed).</summary>
    public void Rewrite(IEnumerable<LedgerEntry> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
            var temporary = _path + ".new";
            var count = 0;
            using (var writer = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var text = new StreamWriter(writer, new UTF8Encoding(false));
                foreach (var entry in held)
                {
                    text.Write(Line(entry));
                    text.Write('\n');
                    count++;
                }

                text.Flush();
                writer.Flush(flushToDisk: true);
            }

            File.Move(temporary, _path, overwrite: true);
            _lines = count;
            Stale = false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private static string Line(LedgerEntry entry) => entry.PosDate is { } day
        ? string.Create(CultureInfo.InvariantCulture, $"in {entry.First}-{entry.Last} {entry.SourceKey} {day:yyyy-MM-dd} {entry.PosGrossOre}")
        : string.Create(CultureInfo.InvariantCulture, $"in {entry.First}-{entry.Last} {entry.SourceKey}");

    private void Append(string line)
    {
        lock (_gate)
        {
            try
            {
                _stream ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
                // After a failed write a half line may end the file: close it off, so only it is lost.
                var bytes = Encoding.UTF8.GetBytes((Stale ? "\n" : string.Empty) + line + "\n");
                _stream.Write(bytes);
                _stream.Flush(flushToDisk: true);
                _lines++;
            }
            catch (IOException)
            {
                // Full disk: a half-written line is skipped when read; the next rewrite from the
                // outbox makes the ledger whole again. Later lines are still tried: an "out" matters.
                Stale = true;
                _stream?.Dispose();
                _stream = null;
            }
        }
    }

    private static (long First, long Last) Range(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash < 0
            ? (long.Parse(text, CultureInfo.InvariantCulture), long.Parse(text, CultureInfo.InvariantCulture))
            : (long.Parse(text.AsSpan(0, dash), CultureInfo.InvariantCulture), long.Parse(text.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }

    internal static IEnumerable<(long First, long Last)> Ranges(IEnumerable<long> seqs)
    {
        long? first = null, last = null;
        foreach (var seq in seqs.Order())
        {
            if (last is { } l && seq == l + 1)
            {
                last = seq;
                continue;
            }

            if (first is { } f)
            {
                yield return (f, last!.Value);
            }

            first = last = seq;
        }

        if (first is { } ff)
        {
            yield return (ff, last!.Value);
        }
    }
}
