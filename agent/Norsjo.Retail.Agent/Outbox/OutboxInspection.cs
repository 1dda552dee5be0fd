using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>What `status` sees of the outbox: its status, or what is wrong with it.</summary>
/// <param name="Status">Null when the outbox cannot be read (or was never made).</param>
/// <param name="Problem">Damage the agent will repair when it starts; null when sound.</param>
public sealed record OutboxInspection(OutboxStatus? Status, string? Problem, bool NeverStarted)
{
    /// <summary>
    /// Looks at the outbox without changing it — never repairs, never creates, opens it read-only —
    /// so the agent that starts later still finds the damage and does the whole recovery (rebuild,
    /// report, files sent again) itself.
    /// </summary>
    public static OutboxInspection Inspect(string dataDirectory, int capacity)
    {
        var path = Path.Combine(dataDirectory, SqliteOutbox.FileName);
        var ledger = OutboxLedger.Read(dataDirectory);
        if (!File.Exists(path))
        {
            return ledger is null
                ? new OutboxInspection(null, null, NeverStarted: true)
                : new OutboxInspection(null, "the outbox file is missing", false);
        }

        if (new FileInfo(path).Length == 0)
        {
            // SQLite itself leaves a new file empty only for a moment; beside a ledger or an enrollment it is damage.
            return ledger is not null || File.Exists(Path.Combine(dataDirectory, Hosting.Enrollment.FileName))
                ? new OutboxInspection(null, "the outbox file is empty (0 bytes)", false)
                : new OutboxInspection(null, null, NeverStarted: true);
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            if (command.ExecuteScalar() is not "ok" and var result)
            {
                return new OutboxInspection(null, result as string ?? "quick_check gave no answer", false);
            }

            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'items'";
            if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                return ledger is not null
                    ? new OutboxInspection(null, "the outbox file holds no tables", false)
                    : new OutboxInspection(null, null, NeverStarted: true);
            }

            var status = SqliteOutbox.ReadStatus(connection, capacity);
            if (ledger is not null)
            {
                var present = new List<long>();
                command.CommandText = "SELECT seq FROM items ORDER BY seq";
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        present.Add(reader.GetInt64(0));
                    }
                }

                // Read again: an item acknowledged by a running agent between the two reads has left, not gone missing.
                var again = OutboxLedger.Read(dataDirectory) ?? ledger;
                var missing = ledger.Held().Count(h => present.BinarySearch(h.Seq) < 0 && !again.HasLeft(h.Seq));
                if (missing > 0)
                {
                    return new OutboxInspection(status, $"the outbox lacks {missing} items its ledger lists", false);
                }
            }

            return new OutboxInspection(status, null, false);
        }
        catch (SqliteException e)
        {
            return new OutboxInspection(null, e.Message, false);
        }
    }
}
