using System.Globalization;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Heartbeat;

/// <summary>
/// When the agent could and could not reach the hub, kept in its own SQLite file beside the outbox
/// (<see cref="FileName"/>), so it survives restarts and power cuts and never touches the outbox's
/// own recovery. Every call to the hub — upload, heartbeat, the quick look during a back-off — is a
/// contact: reached (the hub answered, whatever it said) or not (no answer at all). From one contact
/// to the next is a watched stretch (<see cref="ConnectionDays"/>); calls that reached it also give
/// a round-trip time. Complete days are summarised, sent once and then forgotten here.
/// Tables: watched (start_ms, end_ms, offline), round_trips (at_ms, ms), sent_days (day),
/// last_contact (one row). Written with synchronous=NORMAL: a power cut may lose the last seconds.
/// </summary>
public sealed class ConnectionLog : IDisposable
{
    public const string FileName = "connection-log.db";

    /// <summary>Most days in one report; older ones follow in the next.</summary>
    public const int MaxDaysPerReport = 62;

    /// <summary>A contact in the same state as the last one written, sooner than this, is not written (the probe looks every few seconds).</summary>
    private static readonly long QuietMs = (long)TimeSpan.FromSeconds(10).TotalMilliseconds;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly long _gapMs;
    private readonly Lock _writing = new();
    private (long AtMs, bool Reached)? _last;

    /// <param name="gap">Contacts further apart than this leave the time between them unwatched (the agent was off or asleep).</param>
    public ConnectionLog(string dataDirectory, TimeSpan gap, HealthClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Directory.CreateDirectory(dataDirectory);
        _time = clock.Time;
        _gapMs = (long)gap.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS watched (start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, offline INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS watched_by_end ON watched (end_ms);
            CREATE TABLE IF NOT EXISTS round_trips (at_ms INTEGER NOT NULL, ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS round_trips_by_time ON round_trips (at_ms);
            CREATE TABLE IF NOT EXISTS sent_days (day TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS last_contact (id INTEGER PRIMARY KEY CHECK (id = 1), at_ms INTEGER NOT NULL, reached INTEGER NOT NULL, last_reached_ms INTEGER NOT NULL);
            """;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT at_ms, reached FROM last_contact WHERE id = 1";
        using var reader = command.ExecuteReader();
        if (reader.Read())
        {
            _last = (reader.GetInt64(0), reader.GetInt64(1) == 1);
        }
    }

    /// <summary>The last contact written: when, and whether it reached the hub; null before the first.</summary>
    public (DateTimeOffset At, bool Reached)? LastContact =>
        _last is { } last ? (DateTimeOffset.FromUnixTimeMilliseconds(last.AtMs), last.Reached) : null;

    /// <summary>Records one call to the hub: whether it reached it, and how long the round trip took (null: not measured).</summary>
    public void Contact(bool reached, TimeSpan? roundTrip = null)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_writing)
        {
            try
            {
                Write(now, reached, roundTrip);
            }
            catch (SqliteException)
            {
                // A full or failing disk: the log is evidence, not sales; the agent goes on without it.
            }
        }
    }

    private void Write(long now, bool reached, TimeSpan? roundTrip)
    {
        var last = _last;
        if (roundTrip is null && last is { } quiet && quiet.Reached == reached && now - quiet.AtMs < QuietMs && now >= quiet.AtMs)
        {
            return;
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (last is { } previous && now >= previous.AtMs && now - previous.AtMs <= _gapMs)
        {
            // The stretch since the last contact had its state: offline if that contact failed.
            var offline = previous.Reached ? 0 : 1;
            using var extend = Command(connection, transaction,
                "UPDATE watched SET end_ms = $now WHERE rowid = (SELECT max(rowid) FROM watched) AND end_ms = $from AND offline = $offline",
                ("$now", now), ("$from", previous.AtMs), ("$offline", offline));
            if (extend.ExecuteNonQuery() == 0)
            {
                using var insert = Command(connection, transaction, "INSERT INTO watched (start_ms, end_ms, offline) VALUES ($from, $now, $offline)",
                    ("$from", previous.AtMs), ("$now", now), ("$offline", offline));
                insert.ExecuteNonQuery();
            }
        }

        if (roundTrip is { } rtt && reached)
        {
            using var sample = Command(connection, transaction, "INSERT INTO round_trips (at_ms, ms) VALUES ($now, $ms)",
                ("$now", now), ("$ms", (long)Math.Max(0, Math.Round(rtt.TotalMilliseconds))));
            sample.ExecuteNonQuery();
        }

        using var mark = Command(connection, transaction, """
            INSERT INTO last_contact (id, at_ms, reached, last_reached_ms) VALUES (1, $now, $reached, CASE WHEN $reached = 1 THEN $now ELSE 0 END)
            ON CONFLICT (id) DO UPDATE SET at_ms = $now, reached = $reached,
                last_reached_ms = CASE WHEN $reached = 1 THEN $now ELSE last_contact.last_reached_ms END
            """, ("$now", now), ("$reached", reached ? 1 : 0));
        mark.ExecuteNonQuery();
        transaction.Commit();
        _last = (now, reached);
    }

    /// <summary>
    /// The complete days not yet sent, oldest first: days that have ended (Swedish time) before the
    /// last contact that reached the hub, so nothing of them can still change.
    /// </summary>
    public IReadOnlyList<ConnectionDay> CompleteDays()
    {
        using var connection = Open();
        long lastReached;
        using (var command = Command(connection, null, "SELECT last_reached_ms FROM last_contact WHERE id = 1"))
        {
            lastReached = command.ExecuteScalar() is long ms ? ms : 0;
        }

        long first;
        using (var command = Command(connection, null, "SELECT min(t) FROM (SELECT min(start_ms) AS t FROM watched UNION ALL SELECT min(at_ms) FROM round_trips)"))
        {
            first = command.ExecuteScalar() is long ms ? ms : 0;
        }

        if (lastReached == 0 || first == 0)
        {
            return [];
        }

        var sent = new HashSet<string>(StringComparer.Ordinal);
        using (var command = Command(connection, null, "SELECT day FROM sent_days"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                sent.Add(reader.GetString(0));
            }
        }

        var days = new List<ConnectionDay>();
        for (var day = ConnectionDays.DayOf(first); ConnectionDays.Bounds(day).EndMs <= lastReached && days.Count < MaxDaysPerReport; day = day.AddDays(1))
        {
            if (sent.Contains(Iso(day)))
            {
                continue;
            }

            var (start, end) = ConnectionDays.Bounds(day);
            var spans = new List<WatchedSpan>();
            using (var command = Command(connection, null, "SELECT start_ms, end_ms, offline FROM watched WHERE end_ms > $start AND start_ms < $end",
                ("$start", start), ("$end", end)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    spans.Add(new WatchedSpan(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2) == 1));
                }
            }

            var times = new List<int>();
            using (var command = Command(connection, null, "SELECT ms FROM round_trips WHERE at_ms >= $start AND at_ms < $end", ("$start", start), ("$end", end)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    times.Add((int)Math.Min(int.MaxValue, reader.GetInt64(0)));
                }
            }

            var summary = ConnectionDays.Summarise(day, spans, times);
            if (summary.ObservedMinutes > 0 || summary.RoundTrips > 0)
            {
                days.Add(summary);
            }
        }

        return days;
    }

    /// <summary>The hub holds these days: never send them again, and forget what they were made of.</summary>
    public void Sent(IEnumerable<LocalDate> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var list = days.Select(d => new DateOnly(d.Year, d.Month, d.Day)).ToList();
        if (list.Count == 0)
        {
            return;
        }

        lock (_writing)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            foreach (var day in list)
            {
                using var mark = Command(connection, transaction, "INSERT OR IGNORE INTO sent_days (day) VALUES ($day)", ("$day", Iso(day)));
                mark.ExecuteNonQuery();
            }

            // Days go oldest first and the hub answers for each (a day it cannot take would never be taken):
            // what lies wholly before the end of the latest day it holds is no longer needed.
            var keepFrom = ConnectionDays.Bounds(list.Max()).EndMs;
            foreach (var sql in new[] { "DELETE FROM watched WHERE end_ms <= $keep", "DELETE FROM round_trips WHERE at_ms < $keep" })
            {
                using var prune = Command(connection, transaction, sql, ("$keep", keepFrom));
                prune.ExecuteNonQuery();
            }

            using var old = Command(connection, transaction, "DELETE FROM sent_days WHERE day < $old", ("$old", Iso(list.Max().AddDays(-400))));
            old.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    public void Dispose()
    {
        // Pooled connections hold the file open; let them go with the agent.
        SqliteConnection.ClearAllPools();
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var normal = connection.CreateCommand();
        normal.CommandText = "PRAGMA synchronous=NORMAL;" + Outbox.SqliteCache.Pragma;
        normal.ExecuteNonQuery();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
