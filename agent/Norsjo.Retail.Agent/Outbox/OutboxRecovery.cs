using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>What start-up found wrong with the outbox and what it saved.</summary>
public sealed record OutboxRecoveryReport(string Problem, string DamagedCopy, int ItemsSaved, int ItemsLost, int SourcesSaved);

/// <summary>
/// Checks the outbox at start-up (SQLite's quick_check). A damaged file is moved aside, kept for
/// inspection, and a new outbox is made with every item whose checksum still matches and every
/// record of imported sources that can still be read. Items are read by rowid in steps, skipping
/// over unreadable pages, so one bad page costs only the rows on it.
/// </summary>
internal static class OutboxRecovery
{
    public static OutboxRecoveryReport? CheckAndRecover(string path, string connectionString, Action<SqliteConnection> createSchema)
    {
        var problem = File.Exists(path) ? Check(connectionString) : null;
        if (problem is null)
        {
            using var sound = new SqliteConnection(connectionString);
            sound.Open();
            createSchema(sound);
            return null;
        }

        SqliteConnection.ClearAllPools();
        var suffix = ".damaged-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        foreach (var part in new[] { string.Empty, "-wal", "-shm" })
        {
            if (File.Exists(path + part))
            {
                File.Move(path + part, path + suffix + part);
            }
        }

        using var fresh = new SqliteConnection(connectionString);
        fresh.Open();
        createSchema(fresh);
        using var damaged = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path + suffix,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        var (saved, lost, sources) = (0, 0, 0);
        try
        {
            damaged.Open();
            using var transaction = fresh.BeginTransaction();
            using var insert = fresh.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO items (kind, payload, checksum, created_utc) VALUES ($kind, $payload, $checksum, $at)";
            Salvage(damaged, "items", "kind, payload, checksum, created_utc", row =>
            {
                var payload = (byte[])row[2];
                if (!SqliteOutbox.Checksum(payload).AsSpan().SequenceEqual((byte[])row[3]))
                {
                    lost++;
                    return;
                }

                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$kind", row.GetInt32(1));
                insert.Parameters.AddWithValue("$payload", payload);
                insert.Parameters.AddWithValue("$checksum", (byte[])row[3]);
                insert.Parameters.AddWithValue("$at", row.GetString(4));
                insert.ExecuteNonQuery();
                saved++;
            });
            using var mark = fresh.CreateCommand();
            mark.Transaction = transaction;
            mark.CommandText = "INSERT OR IGNORE INTO imported_sources (source_key, source_name, imported_utc) VALUES ($key, $name, $at)";
            Salvage(damaged, "imported_sources", "source_key, source_name, imported_utc", row =>
            {
                mark.Parameters.Clear();
                mark.Parameters.AddWithValue("$key", row.GetString(1));
                mark.Parameters.AddWithValue("$name", row.GetString(2));
                mark.Parameters.AddWithValue("$at", row.GetString(3));
                mark.ExecuteNonQuery();
                sources++;
            });
            transaction.Commit();
        }
        catch (SqliteException)
        {
            // Not even the header could be read: nothing to save from it.
        }

        return new OutboxRecoveryReport(problem, path + suffix, saved, lost, sources);
    }

    private static string? Check(string connectionString)
    {
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            var result = command.ExecuteScalar() as string;
            return result == "ok" ? null : result ?? "quick_check gave no answer";
        }
        catch (SqliteException e)
        {
            return e.Message;
        }
    }

    /// <summary>Reads what can be read of a table, in rowid order, stepping over pages that fail.</summary>
    private static void Salvage(SqliteConnection source, string table, string columns, Action<SqliteDataReader> take)
    {
        long next = 0;
        var skip = 1L;
        var failures = 0;
        while (failures < 64)
        {
            var last = next - 1;
            var read = 0;
            try
            {
                using var command = source.CreateCommand();
                command.CommandText = $"SELECT rowid, {columns} FROM {table} WHERE rowid >= $next ORDER BY rowid LIMIT 512";
                command.Parameters.AddWithValue("$next", next);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    last = reader.GetInt64(0);
                    read++;
                    try
                    {
                        take(reader);
                    }
                    catch (Exception e) when (e is InvalidCastException or SqliteException or FormatException)
                    {
                        // this row is damaged; the next may not be
                    }
                }

                if (read == 0)
                {
                    return;
                }

                next = last + 1;
                skip = 1;
                failures = 0;
            }
            catch (SqliteException)
            {
                next = Math.Max(next, last + 1) + skip;
                skip = Math.Min(skip * 2, 1 << 20);
                failures++;
            }
        }
    }
}
