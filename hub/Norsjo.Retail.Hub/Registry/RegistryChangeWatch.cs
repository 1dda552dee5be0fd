using Dapper;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.Registry;

/// <summary>
/// The latest registry change of every municipality on the hub, read in one grouped statement at most
/// every <see cref="Recheck"/>: how each municipality's <see cref="RegistryFacts"/> learns that another
/// hub of the deployment changed its registry. One statement for the hub, not one per municipality
/// (issue 20: 290 municipalities re-checked one after the other, on the request thread of the
/// region's call). A change is a new row and rows are never removed, so a municipality whose latest
/// id or number of rows differs from what its facts were read at has changed. The count matters with
/// PostgreSQL: ids are handed out before commit, so a lower id can become visible after a higher one.
/// </summary>
public sealed class RegistryChangeWatch(OperationalStore store, TimeProvider time)
{
    /// <summary>How often a hub looks for changes another hub of the deployment made.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private Dictionary<string, Latest> _latest = [];
    private DateTimeOffset? _readAt;
    private long _reads;

    /// <summary>Every municipality's latest change, in one statement.</summary>
    public const string Sql = "SELECT municipality AS Municipality, CAST(max(id) AS BIGINT) AS Id, CAST(count(*) AS BIGINT) AS Rows FROM registry_changes GROUP BY municipality";

    /// <summary>A municipality's latest change and its number of changes.</summary>
    public sealed class Latest
    {
        public string Municipality { get; set; } = string.Empty;

        public long Id { get; set; }

        public long Rows { get; set; }
    }

    /// <summary>How many times the statement has run (for tests: one per <see cref="Recheck"/>, whatever the municipalities).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The municipality's latest change and count as of at most <see cref="Recheck"/> ago (null: none).</summary>
    public Latest? Of(string municipalityId)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_readAt is not { } readAt || now - readAt >= Recheck)
            {
                using var connection = store.Open();
                _latest = connection.Query<Latest>(Sql)
                    .ToDictionary(r => r.Municipality, StringComparer.Ordinal);
                _readAt = now;
                Interlocked.Increment(ref _reads);
            }

            return _latest.GetValueOrDefault(municipalityId);
        }
    }
}
