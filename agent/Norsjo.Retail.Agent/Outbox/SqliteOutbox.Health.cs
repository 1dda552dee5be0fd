using System.Globalization;

namespace Norsjo.Retail.Agent.Outbox;

public sealed partial class SqliteOutbox
{
    /// <summary>When the oldest item still waiting for the hub was stored; null when the outbox is empty.</summary>
    public DateTimeOffset? OldestWaiting()
    {
        using var connection = Open();
        // seq follows storing order, so the first item is the oldest without reading the rest.
        using var command = Command(connection, "SELECT created_utc FROM items ORDER BY seq LIMIT 1");
        return command.ExecuteScalar() is string text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;
    }
}
