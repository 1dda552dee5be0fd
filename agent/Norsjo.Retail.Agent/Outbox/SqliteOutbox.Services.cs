using System.Globalization;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>
/// One service transaction as the agent remembers it, to count it once: its day, kind, a keyed hash
/// of the till's transaction (<see cref="Anonymisation.ReceiptAnonymiser.ServiceKey"/>) and, for
/// kontantuttag, the cash paid out. No time of day, no customer; it never leaves the store.
/// </summary>
public sealed record ServiceEvent(DateOnly Day, ServiceKind Kind, string Key, long AmountOre);

/// <summary>
/// The day's count per service kind (issue 19). Each transaction is remembered in service_events by
/// its keyed hash, in the same transaction as the items and the file's checkpoint, so a file read
/// again, a till calling twice or a kill at any moment adds nothing twice. Whenever a day's count
/// grows, the whole day's count and amount for that kind go into the outbox as one item; the hub
/// keeps the latest copy, so the day counts once however often it is sent.
/// </summary>
public sealed partial class SqliteOutbox
{
    internal const string ServiceEventsTable = """
        CREATE TABLE IF NOT EXISTS service_events (
            day TEXT NOT NULL,
            kind INTEGER NOT NULL,
            event_key TEXT NOT NULL,
            amount_ore INTEGER NOT NULL,
            PRIMARY KEY (day, kind, event_key)
        ) WITHOUT ROWID;
        """;

    /// <summary>How many items the events may add at most: one per day and kind.</summary>
    private static int VolumesFor(IReadOnlyList<ServiceEvent> events) => events.Select(e => (e.Day, e.Kind)).Distinct().Count();

    /// <summary>Remembers the new events and returns, per day and kind that grew, the day's whole count.</summary>
    private static List<ServiceVolume> TallyServices(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<ServiceEvent> events)
    {
        var grown = new SortedSet<(string Day, int Kind)>();
        if (events.Count == 0)
        {
            return [];
        }

        using (var insert = Command(connection, "INSERT OR IGNORE INTO service_events (day, kind, event_key, amount_ore) VALUES ($day, $kind, $key, $amount)"))
        {
            insert.Transaction = transaction;
            var day = insert.Parameters.Add("$day", SqliteType.Text);
            var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
            var key = insert.Parameters.Add("$key", SqliteType.Text);
            var amount = insert.Parameters.Add("$amount", SqliteType.Integer);
            foreach (var e in events)
            {
                (day.Value, kind.Value, key.Value, amount.Value) = (Day(e.Day), (int)e.Kind, e.Key, e.AmountOre);
                if (insert.ExecuteNonQuery() == 1)
                {
                    grown.Add((Day(e.Day), (int)e.Kind));
                }
            }
        }

        var volumes = new List<ServiceVolume>(grown.Count);
        foreach (var (day, kind) in grown)
        {
            using var sum = Command(connection, "SELECT count(*), coalesce(sum(amount_ore), 0) FROM service_events WHERE day = $day AND kind = $kind", ("$day", day), ("$kind", kind));
            sum.Transaction = transaction;
            using var reader = sum.ExecuteReader();
            reader.Read();
            var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            volumes.Add(new ServiceVolume
            {
                Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
                Kind = (ServiceKind)kind,
                Count = (int)Math.Min(int.MaxValue, reader.GetInt64(0)),
                AmountOre = reader.GetInt64(1),
            });
        }

        return volumes;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
