using Dapper;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.Registry;

/// <summary>
/// The latest registry change of every municipality on the hub, read in one grouped statement at most
/// every <see cref="Recheck"/>: how each municipality's <see cref="RegistryFacts"/> learns that another
/// hub of the deployment changed its registry. One statement for the hub, not one per municipality
/// (issue 20: 290 municipalities re-checked one after the other, on the request thread of the
/// region's call). A change is a new row, so its id only grows: a municipality whose latest id is
/// above the one its facts were read at has changed.
/// </summary>
public sealed class RegistryChangeWatch(OperationalStore store, TimeProvider time)
{
    /// <summary>How often a hub looks for changes another hub of the deployment made.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private Dictionary<string, long> _latest = [];
    private DateTimeOffset? _readAt;
    private long _reads;

    /// <summary>Every municipality's latest change, in one statement.</summary>
    public const string Sql = "SELECT municipality AS Municipality, CAST(max(id) AS BIGINT) AS Id FROM registry_changes GROUP BY municipality";

    private sealed class Latest
    {
        public string Municipality { get; set; } = string.Empty;

        public long Id { get; set; }
    }

    /// <summary>How many times the statement has run (for tests: one per <see cref="Recheck"/>, whatever the municipalities).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The id of the municipality's latest change as of at most <see cref="Recheck"/> ago (null: none).</summary>
    public long? LatestId(string municipalityId)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_readAt is not { } readAt || now - readAt >= Recheck)
            {
                using var connection = store.Open();
                _latest = connection.Query<Latest>(Sql)
                    .ToDictionary(r => r.Municipality, r => r.Id, StringComparer.Ordinal);
                _readAt = now;
                Interlocked.Increment(ref _reads);
            }

            return _latest.TryGetValue(municipalityId, out var id) ? id : null;
        }
    }
}
