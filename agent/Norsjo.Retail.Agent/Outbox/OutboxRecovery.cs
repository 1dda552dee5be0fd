using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>
/// Checks the outbox when the agent opens it, and rebuilds it when it is damaged. Damage is
/// anything that cost items: SQLite's quick_check failing, but also a file that is missing or empty
/// while the ledger (or an enrollment) says there was an outbox, or a sound file that lacks items
/// the ledger says it held. The rebuild reads what can still be read — first through SQLite, row
/// by row in rowid steps around bad pages, then page by page straight from the bytes
/// (<see cref="PageSalvage"/>) — into a new file made aside and renamed into place only when
/// complete, so a power cut during the rebuild loses nothing more. The damaged file is kept. What
/// was lost is counted from the ledger, not guessed (the service transactions already counted are
/// kept too, so each is still counted once): files that held lost items are asked to be
/// sent again (<c>resend_sources</c>, durable in the new outbox, so the re-import happens even if
/// the agent stops first), POS plug-in sales are named in a Swedish report, and the recovery is
/// written to the journal beside the outbox.
/// </summary>
internal static class OutboxRecovery
{
    public static OutboxRecoveryReport? CheckAndRecover(string dataDirectory, string path, Action<SqliteConnection> createSchema)
    {
        var rebuilding = path + ".rebuilding";
        if (!File.Exists(path) && File.Exists(rebuilding))
        {
            // A rebuild was complete but stopped before its file was renamed into place.
            File.Move(rebuilding, path);
        }

        var ledger = OutboxLedger.Read(dataDirectory);
        var problem = OutboxInspection.Inspect(dataDirectory, int.MaxValue).Problem;
        if (problem is null)
        {
            using var sound = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadWriteCreate));
            sound.Open();
            createSchema(sound);
            return null;
        }

        SqliteConnection.ClearAllPools();
        var at = DateTimeOffset.UtcNow;
        foreach (var part in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(rebuilding + part);
        }

        var saved = new SortedSet<long>();
        var sources = 0;
        using (var fresh = new SqliteConnection(ConnectionString(rebuilding, SqliteOpenMode.ReadWriteCreate)))
        {
            fresh.Open();
            createSchema(fresh);
            using var transaction = fresh.BeginTransaction();
            using var insert = fresh.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO items (seq, kind, payload, checksum, created_utc, source_key) VALUES ($seq, $kind, $payload, $checksum, $at, $source)";
            void Keep(SalvagedItem item)
            {
                if (saved.Contains(item.Seq) || ledger?.HasLeft(item.Seq) == true
                    || !SqliteOutbox.Checksum(item.Payload).AsSpan().SequenceEqual(item.Checksum))
                {
                    return;
                }

                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$seq", item.Seq);
                insert.Parameters.AddWithValue("$kind", item.Kind);
                insert.Parameters.AddWithValue("$payload", item.Payload);
                insert.Parameters.AddWithValue("$checksum", item.Checksum);
                insert.Parameters.AddWithValue("$at", item.CreatedUtc);
                insert.Parameters.AddWithValue("$source", (object?)item.SourceKey ?? DBNull.Value);
                insert.ExecuteNonQuery();
                saved.Add(item.Seq);
            }

            using var mark = fresh.CreateCommand();
            mark.Transaction = transaction;
            mark.CommandText = "INSERT OR IGNORE INTO imported_sources (source_key, source_name, imported_utc) VALUES ($key, $name, $at)";
            void Mark(string key, string name, string importedAt)
            {
                mark.Parameters.Clear();
                mark.Parameters.AddWithValue("$key", key);
                mark.Parameters.AddWithValue("$name", name);
                mark.Parameters.AddWithValue("$at", importedAt);
                sources += mark.ExecuteNonQuery();
            }

            using var remember = fresh.CreateCommand();
            remember.Transaction = transaction;
            remember.CommandText = "INSERT OR IGNORE INTO service_events (day, kind, event_key, amount_ore) VALUES ($day, $kind, $key, $amount)";
            void Remember(string day, long kind, string key, long amount)
            {
                remember.Parameters.Clear();
                remember.Parameters.AddWithValue("$day", day);
                remember.Parameters.AddWithValue("$kind", kind);
                remember.Parameters.AddWithValue("$key", key);
                remember.Parameters.AddWithValue("$amount", amount);
                remember.ExecuteNonQuery();
            }

            if (File.Exists(path) && new FileInfo(path).Length > 0)
            {
                ThroughSqlite(path, Keep, Mark, Remember);
                var (pageItems, pageSources) = PageSalvage.Read(path);
                foreach (var item in pageItems)
                {
                    Keep(item);
                }

                foreach (var (key, name, importedAt) in pageSources)
                {
                    Mark(key, name, importedAt);
                }
            }

            var report = Losses(ledger, saved);
            foreach (var key in report.SendAgain)
            {
                Execute(fresh, transaction, "INSERT OR IGNORE INTO resend_sources (source_key, reason, requested_utc) VALUES ($key, 'recovery', $at)",
                    ("$key", key), ("$at", at.ToString("O", CultureInfo.InvariantCulture)));
            }

            if (ledger is null)
            {
                // Nothing says what was held: every recently taken file is sent again (the hub counts each sale once).
                Execute(fresh, transaction, "INSERT OR REPLACE INTO state (key, value) VALUES ('reimport_pending', $at)",
                    ("$at", at.ToString("O", CultureInfo.InvariantCulture)));
            }

            // New items continue after every seq the old outbox ever gave, so the ledger's numbers never mean two items.
            var highest = Math.Max(saved.Count > 0 ? saved.Max : 0, ledger?.Entries.Select(e => e.Last).DefaultIfEmpty(0).Max() ?? 0);
            Execute(fresh, transaction, "DELETE FROM sqlite_sequence WHERE name = 'items'");
            Execute(fresh, transaction, "INSERT INTO sqlite_sequence (name, seq) VALUES ('items', $seq)", ("$seq", highest));
            transaction.Commit();

            fresh.Close();
            SqliteConnection.ClearAllPools();
            var damagedCopy = path + ".damaged-" + at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            foreach (var part in new[] { string.Empty, "-wal", "-shm" })
            {
                if (File.Exists(path + part))
                {
                    File.Move(path + part, damagedCopy + part, overwrite: true);
                }
            }

            File.Move(rebuilding, path);
            var lostReport = report.PosDays.Count > 0
                ? LostSalesReport.Write(dataDirectory, at, $"agentens kö (outbox.db) var skadad ({problem}) och byggdes om.", report.PosDays)
                : null;
            var result = new OutboxRecoveryReport(at, problem, damagedCopy, saved.Count, report.Lost, sources, report.PosDays, report.SendAgain, lostReport);
            RecoveryJournal.Append(dataDirectory, result);
            return result;
        }
    }

    private sealed record Loss(int Lost, IReadOnlyList<LostPosDay> PosDays, IReadOnlyList<string> SendAgain);

    private static Loss Losses(LedgerContents? ledger, SortedSet<long> saved)
    {
        if (ledger is null)
        {
            return new Loss(-1, [], []);
        }

        var lost = 0;
        var lostEntries = new HashSet<LedgerEntry>();
        foreach (var (seq, entry) in ledger.Held())
        {
            if (!saved.Contains(seq))
            {
                lost++;
                lostEntries.Add(entry);
            }
        }

        var posDays = lostEntries.Where(e => e.IsPosSale && !saved.Contains(e.First) && !ledger.HasLeft(e.First))
            .GroupBy(e => e.PosDate!.Value)
            .Select(g => new LostPosDay(g.Key, g.Count(), g.Sum(e => e.PosGrossOre)))
            .OrderBy(d => d.Date)
            .ToList();
        var sendAgain = lostEntries.Where(e => !e.IsPosSale && (e.SourceKey.StartsWith("file:", StringComparison.Ordinal)
                || e.SourceKey.StartsWith(SqliteOutbox.PieceSourcePrefix, StringComparison.Ordinal)))
            .Select(e => e.SourceKey).Distinct().Order(StringComparer.Ordinal).ToList();
        return new Loss(lost, posDays, sendAgain);
    }

    /// <summary>Reads what SQLite can still read of the damaged file, in rowid steps around pages that fail.</summary>
    private static void ThroughSqlite(string path, Action<SalvagedItem> keep, Action<string, string, string> mark, Action<string, long, string, long> remember)
    {
        try
        {
            using var damaged = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadOnly));
            damaged.Open();
            var hasSource = false;
            try
            {
                using var columns = damaged.CreateCommand();
                columns.CommandText = "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'source_key'";
                hasSource = Convert.ToInt64(columns.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
            }
            catch (SqliteException)
            {
                // the schema itself is unreadable: the page reader will do what it can
            }

            Salvage(damaged, "items", "kind, payload, checksum, created_utc" + (hasSource ? ", source_key" : string.Empty), row =>
                keep(new SalvagedItem(row.GetInt64(0), row.GetInt32(1), (byte[])row[2], (byte[])row[3], row.GetString(4),
                    hasSource && !row.IsDBNull(5) ? row.GetString(5) : null)));
            Salvage(damaged, "imported_sources", "source_key, source_name, imported_utc", row =>
                mark(row.GetString(1), row.GetString(2), row.GetString(3)));
            SalvageServiceEvents(damaged, remember);
        }
        catch (SqliteException)
        {
            // Not even the header could be read through SQLite: the page reader still tries.
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

    /// <summary>
    /// The service transactions already counted (<see cref="SqliteOutbox.ServiceEventsTable"/>), so a
    /// file read again after the rebuild adds nothing twice and a day's count is not sent smaller
    /// than the hub has it. The table has no rowid: read in key order, past a page that fails a day
    /// at a time. What cannot be read is counted again from the files sent again.
    /// </summary>
    private static void SalvageServiceEvents(SqliteConnection source, Action<string, long, string, long> remember)
    {
        var (day, kind, key) = (string.Empty, long.MinValue, string.Empty);
        var failures = 0;
        while (failures < 64)
        {
            try
            {
                using var command = source.CreateCommand();
                command.CommandText = """
                    SELECT day, kind, event_key, amount_ore FROM service_events
                    WHERE (day, kind, event_key) > ($day, $kind, $key) ORDER BY day, kind, event_key LIMIT 512
                    """;
                command.Parameters.AddWithValue("$day", day);
                command.Parameters.AddWithValue("$kind", kind);
                command.Parameters.AddWithValue("$key", key);
                using var reader = command.ExecuteReader();
                var read = 0;
                while (reader.Read())
                {
                    (day, kind, key) = (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
                    read++;
                    remember(day, kind, key, reader.GetInt64(3));
                }

                if (read == 0)
                {
                    return;
                }

                failures = 0;
            }
            catch (Exception e) when (e is SqliteException or InvalidCastException or FormatException)
            {
                // Past the failing page: the next day (the table's first key column is the day).
                failures++;
                (day, kind, key) = (NextDay(day), long.MinValue, string.Empty);
            }
        }

        static string NextDay(string day) =>
            DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : day + "\uffff"; // no day read yet: past whatever key came first
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static string ConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Pooling = false,
    }.ToString();
}
