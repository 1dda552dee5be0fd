using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>
/// How far the agent has read one file, as log shippers keep it (Filebeat's registry, Vector's
/// checkpoints): the file's identity (device and inode, and a fingerprint of its first bytes and
/// of the bytes before the position, which tell a truncated or rewritten file), the position, and
/// where the last receipt taken began, in case its rows go on. Kept in the outbox and stored in
/// the same transaction as the receipts read up to it, so a kill at any moment neither loses nor
/// repeats a piece.
/// </summary>
/// <param name="Id">0 for a file not seen before.</param>
/// <param name="Name">The file's name when first seen: its format, and the header a continuation without one is read with.</param>
/// <param name="Taken">Moved aside as finished; still watched for a while in case its writer goes on.</param>
public sealed record FileCheckpoint(
    long Id, ulong Device, ulong Inode, string Path, string Name,
    int HeadLength, byte[] HeadSha, long Offset, int Line, long ResumeOffset, int ResumeLine, byte[] BeforeSha,
    long Length, long ModifiedTicks, string? Header, bool Taken, DateTimeOffset Updated);

public sealed partial class SqliteOutbox
{
    public IReadOnlyList<FileCheckpoint> FileCheckpoints()
    {
        using var connection = Open();
        using var command = Command(connection, """
            SELECT id, device, inode, path, name, head_length, head_sha, read_offset, read_line, resume_offset, resume_line,
                   before_sha, length, modified_ticks, header, taken, updated_utc
            FROM file_checkpoints ORDER BY id
            """);
        using var reader = command.ExecuteReader();
        var result = new List<FileCheckpoint>();
        while (reader.Read())
        {
            result.Add(new FileCheckpoint(
                reader.GetInt64(0), (ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), (byte[])reader[6], reader.GetInt64(7), reader.GetInt32(8), reader.GetInt64(9), reader.GetInt32(10),
                (byte[])reader[11], reader.GetInt64(12), reader.GetInt64(13), reader.IsDBNull(14) ? null : reader.GetString(14),
                reader.GetInt64(15) != 0, DateTimeOffset.Parse(reader.GetString(16), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }

        return result;
    }

    /// <summary>
    /// Stores what a piece of a file yielded together with the file's new checkpoint, all or nothing.
    /// Returns the checkpoint's id, or null (nothing stored) when the items would not fit.
    /// </summary>
    /// <param name="sourceKey">The whole file's content key, once it has been read to its end; null for a piece.</param>
    public long? TryEnqueue(OutboxItems items, FileCheckpoint checkpoint, string? sourceKey)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        long id = 0;
        return TryEnqueue(items, sourceKey, checkpoint.Name, (connection, transaction) => id = Save(connection, transaction, checkpoint)) ? id : null;
    }

    /// <summary>A checkpoint alone: the file moved, or it was read and held nothing new.</summary>
    public long SaveCheckpoint(FileCheckpoint checkpoint) => TryEnqueue(new OutboxItems([], [], []), checkpoint, null) ?? 0;

    /// <summary>
    /// Keeps the checkpoints of files still there or still watched (<paramref name="seen"/>) and forgets
    /// those of files gone since <paramref name="forgetBefore"/>, and of taken files no longer watched
    /// since <paramref name="forgetTakenBefore"/>.
    /// </summary>
    public void TidyCheckpoints(IReadOnlySet<long> seen, DateTimeOffset forgetBefore, DateTimeOffset forgetTakenBefore)
    {
        ArgumentNullException.ThrowIfNull(seen);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        foreach (var id in seen)
        {
            using var touch = Command(connection, "UPDATE file_checkpoints SET updated_utc = $at WHERE id = $id", ("$at", Now()), ("$id", id));
            touch.Transaction = transaction;
            touch.ExecuteNonQuery();
        }

        using var forget = Command(connection, "DELETE FROM file_checkpoints WHERE updated_utc < (CASE taken WHEN 0 THEN $before ELSE $taken_before END)",
            ("$before", forgetBefore.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
            ("$taken_before", forgetTakenBefore.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));
        forget.Transaction = transaction;
        forget.ExecuteNonQuery();
        transaction.Commit();
    }

    private static long Save(SqliteConnection connection, SqliteTransaction transaction, FileCheckpoint c)
    {
        if (c.Inode != 0)
        {
            // An inode is reused once its file is gone: the newer file owns it.
            using var reused = Command(connection, "DELETE FROM file_checkpoints WHERE device = $device AND inode = $inode AND id <> $id",
                ("$device", (long)c.Device), ("$inode", (long)c.Inode), ("$id", c.Id));
            reused.Transaction = transaction;
            reused.ExecuteNonQuery();
        }

        using var save = Command(connection, c.Id == 0
            ? """
              INSERT INTO file_checkpoints (device, inode, path, name, head_length, head_sha, read_offset, read_line, resume_offset, resume_line,
                  before_sha, length, modified_ticks, header, taken, updated_utc)
              VALUES ($device, $inode, $path, $name, $head_length, $head_sha, $offset, $line, $resume_offset, $resume_line,
                  $before_sha, $length, $modified, $header, $taken, $at)
              RETURNING id
              """
            : """
              UPDATE file_checkpoints SET device = $device, inode = $inode, path = $path, name = $name, head_length = $head_length,
                  head_sha = $head_sha, read_offset = $offset, read_line = $line, resume_offset = $resume_offset, resume_line = $resume_line,
                  before_sha = $before_sha, length = $length, modified_ticks = $modified, header = $header, taken = $taken, updated_utc = $at
              WHERE id = $id
              RETURNING id
              """,
            ("$id", c.Id), ("$device", (long)c.Device), ("$inode", (long)c.Inode), ("$path", c.Path), ("$name", c.Name),
            ("$head_length", c.HeadLength), ("$head_sha", c.HeadSha), ("$offset", c.Offset), ("$line", c.Line),
            ("$resume_offset", c.ResumeOffset), ("$resume_line", c.ResumeLine), ("$before_sha", c.BeforeSha), ("$length", c.Length),
            ("$modified", c.ModifiedTicks), ("$header", (object?)c.Header ?? DBNull.Value), ("$taken", c.Taken ? 1 : 0), ("$at", Now()));
        save.Transaction = transaction;
        return save.ExecuteScalar() is long id ? id
            : throw new InvalidOperationException($"file checkpoint {c.Id} for {c.Name} is gone (forgotten while in use)");
    }
}
