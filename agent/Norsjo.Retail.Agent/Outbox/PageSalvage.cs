using System.Buffers.Binary;
using System.Text;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>An outbox item as read straight from a page of a damaged file.</summary>
internal sealed record SalvagedItem(long Seq, int Kind, byte[] Payload, byte[] Checksum, string CreatedUtc, string? SourceKey);

/// <summary>
/// Reads what is left of a damaged outbox file without SQLite's tree: every page of the file (and of
/// its write-ahead log) as far as the bytes go, each table leaf page decoded by the documented
/// SQLite file format (https://www.sqlite.org/fileformat2.html), the way `sqlite3 .recover` does.
/// A page whose parents are gone, or that lies past a cut-off, still gives its rows. Rows are
/// recognised by their shape (an items row: kind, payload, 8-byte checksum, batch, time, source)
/// and kept only when the checksum matches, so nothing made up can slip through. Pages on the
/// free list hold deleted rows and are skipped where the free list can still be read.
/// </summary>
internal static class PageSalvage
{
    public static (List<SalvagedItem> Items, List<(string Key, string Name, string At)> Sources) Read(string databasePath)
    {
        var items = new List<SalvagedItem>();
        var sources = new List<(string, string, string)>();
        byte[] file;
        try
        {
            file = File.Exists(databasePath) ? File.ReadAllBytes(databasePath) : [];
        }
        catch (IOException)
        {
            file = [];
        }

        var pageSize = file.Length >= 100 ? PageSize(file.AsSpan(16, 2)) : 0;
        var reserved = file.Length >= 100 ? file[20] : 0;
        var freePages = pageSize > 0 ? FreePages(file, pageSize) : [];
        if (pageSize > 0)
        {
            for (var page = 1; (long)page * pageSize <= file.Length; page++)
            {
                if (!freePages.Contains(page))
                {
                    var offset = (page - 1) * pageSize;
                    Leaf(file.AsSpan(offset, pageSize), page == 1 ? 100 : 0, pageSize - reserved, file, pageSize, items, sources);
                }
            }
        }

        // Rows committed to the log but not yet copied into the file are only there.
        var wal = databasePath + "-wal";
        if (File.Exists(wal))
        {
            try
            {
                var log = File.ReadAllBytes(wal);
                if (log.Length >= 32)
                {
                    var walPageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(log.AsSpan(8, 4));
                    var usable = walPageSize - (pageSize > 0 ? reserved : 0);
                    for (long frame = 32; walPageSize is >= 512 and <= 65536 && frame + 24 + walPageSize <= log.Length; frame += 24 + walPageSize)
                    {
                        var pageNumber = BinaryPrimitives.ReadUInt32BigEndian(log.AsSpan((int)frame, 4));
                        Leaf(log.AsSpan((int)frame + 24, walPageSize), pageNumber == 1 ? 100 : 0, usable, file, pageSize, items, sources);
                    }
                }
            }
            catch (IOException)
            {
                // the log is unreadable too; the file's pages are what there is
            }
        }

        return (items, sources);
    }

    private static int PageSize(ReadOnlySpan<byte> bytes)
    {
        var size = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        return size == 1 ? 65536 : size is >= 512 and <= 32768 && (size & (size - 1)) == 0 ? size : 0;
    }

    private static HashSet<int> FreePages(byte[] file, int pageSize)
    {
        var free = new HashSet<int>();
        var trunk = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(32, 4));
        while (trunk > 0 && (long)trunk * pageSize <= file.Length && free.Add(trunk))
        {
            var page = file.AsSpan((trunk - 1) * pageSize, pageSize);
            var count = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(page.Slice(4, 4)), (uint)((pageSize / 4) - 2));
            for (var i = 0; i < count; i++)
            {
                free.Add((int)BinaryPrimitives.ReadUInt32BigEndian(page.Slice(8 + (4 * i), 4)));
            }

            trunk = (int)BinaryPrimitives.ReadUInt32BigEndian(page[..4]);
        }

        return free;
    }

    /// <summary>Decodes one page if it is a table leaf; every cell that reads as an outbox row is kept.</summary>
    private static void Leaf(ReadOnlySpan<byte> page, int headerAt, int usable, byte[] file, int pageSize,
        List<SalvagedItem> items, List<(string, string, string)> sources)
    {
        if (page.Length < headerAt + 8 || page[headerAt] != 0x0D)
        {
            return;
        }

        var cells = BinaryPrimitives.ReadUInt16BigEndian(page.Slice(headerAt + 3, 2));
        for (var i = 0; i < cells; i++)
        {
            var pointerAt = headerAt + 8 + (2 * i);
            if (pointerAt + 2 > page.Length)
            {
                return;
            }

            try
            {
                Cell(page, BinaryPrimitives.ReadUInt16BigEndian(page.Slice(pointerAt, 2)), usable, file, pageSize, items, sources);
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or DecoderFallbackException)
            {
                // one garbled cell; the next may be whole
            }
        }
    }

    private static void Cell(ReadOnlySpan<byte> page, int at, int usable, byte[] file, int pageSize,
        List<SalvagedItem> items, List<(string, string, string)> sources)
    {
        var payloadSize = Varint(page, ref at);
        var rowid = Varint(page, ref at);
        if (payloadSize <= 0 || payloadSize > 16 << 20)
        {
            return;
        }

        // Large records continue on overflow pages (fileformat2 §1.6).
        var maxLocal = usable - 35;
        var minLocal = ((usable - 12) * 32 / 255) - 23;
        byte[] record;
        if (payloadSize <= maxLocal)
        {
            record = page.Slice(at, (int)payloadSize).ToArray();
        }
        else
        {
            var local = minLocal + (int)((payloadSize - minLocal) % (usable - 4));
            if (local > maxLocal)
            {
                local = minLocal;
            }

            record = new byte[payloadSize];
            page.Slice(at, local).CopyTo(record);
            var overflow = (int)BinaryPrimitives.ReadUInt32BigEndian(page.Slice(at + local, 4));
            var filled = local;
            while (filled < payloadSize)
            {
                if (overflow <= 0 || pageSize == 0 || (long)overflow * pageSize > file.Length)
                {
                    return; // the rest of the row is gone
                }

                var next = file.AsSpan((overflow - 1) * pageSize, pageSize);
                var take = (int)Math.Min(usable - 4, payloadSize - filled);
                next.Slice(4, take).CopyTo(record.AsSpan(filled));
                filled += take;
                overflow = (int)BinaryPrimitives.ReadUInt32BigEndian(next[..4]);
            }
        }

        var columns = Columns(record);
        if (columns is null)
        {
            return;
        }

        // items: seq (the rowid, stored as NULL), kind, payload, checksum, batch_id, created_utc[, source_key]
        if (columns.Count is 6 or 7 && columns[0] is null && columns[1] is long kind && columns[2] is byte[] payload
            && columns[3] is byte[] { Length: 8 } checksum && columns[4] is null or string && columns[5] is string created
            && (columns.Count == 6 || columns[6] is null or string))
        {
            if (SqliteOutbox.Checksum(payload).AsSpan().SequenceEqual(checksum))
            {
                items.Add(new SalvagedItem(rowid, (int)kind, payload, checksum, created, columns.Count == 7 ? columns[6] as string : null));
            }
        }
        else if (columns.Count == 3 && columns[0] is string key && columns[1] is string name && columns[2] is string imported
                 && (key.StartsWith("file:", StringComparison.Ordinal) || key.StartsWith("pos:", StringComparison.Ordinal)))
        {
            sources.Add((key, name, imported));
        }
    }

    /// <summary>A record's values (fileformat2 §2.1): null, long, double, string or byte[]; null when it does not parse.</summary>
    private static List<object?>? Columns(byte[] record)
    {
        var at = 0;
        var headerSize = Varint(record, ref at);
        if (headerSize < 1 || headerSize > record.Length)
        {
            return null;
        }

        var types = new List<long>();
        while (at < headerSize)
        {
            types.Add(Varint(record, ref at));
        }

        var body = (int)headerSize;
        var values = new List<object?>(types.Count);
        foreach (var type in types)
        {
            var length = type switch
            {
                0 or 8 or 9 => 0,
                1 => 1,
                2 => 2,
                3 => 3,
                4 => 4,
                5 => 6,
                6 or 7 => 8,
                >= 12 => (int)((type - 12) / 2),
                _ => -1,
            };
            if (length < 0 || body + length > record.Length)
            {
                return null;
            }

            var bytes = record.AsSpan(body, length);
            values.Add(type switch
            {
                0 => null,
                8 => 0L,
                9 => 1L,
                >= 1 and <= 6 => SignedBigEndian(bytes),
                7 => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(bytes)),
                _ when type % 2 == 0 => bytes.ToArray(),
                _ => new UTF8Encoding(false, true).GetString(bytes),
            });
            body += length;
        }

        return values;
    }

    private static long SignedBigEndian(ReadOnlySpan<byte> bytes)
    {
        long value = (sbyte)bytes[0];
        for (var i = 1; i < bytes.Length; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    private static long Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        long value = 0;
        for (var i = 0; i < 9; i++)
        {
            var b = bytes[at++];
            if (i == 8)
            {
                return (value << 8) | b;
            }

            value = (value << 7) | (long)(b & 0x7F);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        return value;
    }
}
