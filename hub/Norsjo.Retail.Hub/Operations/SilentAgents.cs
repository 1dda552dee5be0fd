using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Operations;

/// <param name="Silent">Nothing arrives from it: <see cref="State"/> is silent or cannotUpload.</param>
public sealed record SilentAgent(string StoreId, string Name, string Village, bool Silent, DateTimeOffset? LastUpload, DateTimeOffset Checked)
{
    /// <summary>One of <see cref="AgentHealth.AgentStates"/>: sends, cannotUpload, silent, closed.</summary>
    public string State { get; init; } = Silent ? AgentHealth.AgentStates.Silent : AgentHealth.AgentStates.Sends;

    /// <summary>The state in Swedish, as the pages show it.</summary>
    public string StateText => AgentHealth.AgentStates.Swedish(State);

    /// <summary>The latest health report (with a batch or the heartbeat); null from an agent that sends none.</summary>
    public DateTimeOffset? LastHeard { get; init; }
}

/// <summary>
/// An agent is silent when its store is open now (registry opening hours, Swedish time) and nothing
/// has arrived from it for <c>Jobs:SilentAfter</c> (2 hours). Checked hourly by a job; the latest
/// check per store is kept in ClickHouse for the municipality's view.
/// An agent that reports its health (issue 21) is told apart further (<see cref="AgentHealth.AgentStates"/>):
/// one whose heartbeats arrive but whose outbox's oldest item has waited longer than SilentAfter
/// "cannot upload" (alive, reaching the hub, its batches not getting through); one not heard from
/// at all is silent while the store is open (off or cut off: from the hub the two look the same)
/// and closed otherwise. The state of each check is kept in the operational store (agent_states).
/// </summary>
public sealed class SilentAgents(ClickHouseStorage storage, RegistryFacts facts, TimeProvider time, IConfiguration configuration, AgentHealth.AgentHealthStore health)
{
    private sealed record LastUpload(string StoreId, ulong At);

    private sealed record Check(string StoreId, ulong CheckedMs, int Silent, ulong LastUploadMs);

    public TimeSpan SilentAfter => configuration.GetValue<TimeSpan?>("Jobs:SilentAfter") ?? TimeSpan.FromHours(2);

    public async Task<IReadOnlyList<SilentAgent>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var (result, rows, now) = await AssessAsync(cancellationToken).ConfigureAwait(false);
        await storage.Database.InsertAsync("agent_silence", ["store_id", "checked_unix_ms", "silent", "last_upload_unix_ms", "version"], rows, cancellationToken).ConfigureAwait(false);
        await health.SaveStatesAsync(result.Select(r => (r.StoreId, r.State)), now, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>The same judgement as the hourly check, now, without keeping it (the admin's page).</summary>
    public async Task<IReadOnlyList<SilentAgent>> NowAsync(CancellationToken cancellationToken = default) =>
        (await AssessAsync(cancellationToken).ConfigureAwait(false)).Result;

    private async Task<(List<SilentAgent> Result, TabSeparatedRows Rows, DateTimeOffset Now)> AssessAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var local = Time.SwedishTime.Local(now);
        var uploads = (await storage.Database.QueryAsync<LastUpload>(
            "SELECT store_id AS StoreId, max(version) AS At FROM ingest_batches GROUP BY store_id", cancellationToken).ConfigureAwait(false))
            .ToDictionary(u => u.StoreId, u => DateTimeOffset.FromUnixTimeMilliseconds((long)u.At), StringComparer.Ordinal);
        var reports = await health.LatestAsync(cancellationToken).ConfigureAwait(false);
        var rows = new TabSeparatedRows();
        var result = new List<SilentAgent>();
        foreach (var store in facts.Current.Stores.Where(s => s.Reports))
        {
            var last = uploads.TryGetValue(store.Id, out var at) ? at : (DateTimeOffset?)null;
            var report = reports.GetValueOrDefault(store.Id);
            var open = store.Hours.IsOpen(local.DayOfWeek, TimeOnly.FromDateTime(local.DateTime));
            var heard = (last is not null && now - last.Value <= SilentAfter) || (report is not null && now - report.Received <= SilentAfter);
            var state = AgentHealth.AgentStates.Decide(open, heard, report, now, SilentAfter);
            var silent = state is AgentHealth.AgentStates.Silent or AgentHealth.AgentStates.CannotUpload;
            rows.Row(store.Id, (ulong)now.ToUnixTimeMilliseconds(), silent, (ulong)(last?.ToUnixTimeMilliseconds() ?? 0), now.ToUnixTimeMilliseconds());
            result.Add(new SilentAgent(store.Id, store.Name, store.Village, silent, last, now) { State = state, LastHeard = report?.Received });
        }

        return (result, rows, now);
    }

    /// <summary>The latest hourly check of every store.</summary>
    public async Task<IReadOnlyList<SilentAgent>> LatestAsync(CancellationToken cancellationToken = default)
    {
        var checks = (await storage.Database.QueryAsync<Check>(
            "SELECT store_id AS StoreId, checked_unix_ms AS CheckedMs, silent AS Silent, last_upload_unix_ms AS LastUploadMs FROM agent_silence FINAL",
            cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.StoreId, StringComparer.Ordinal);
        var states = await health.StatesAsync(cancellationToken).ConfigureAwait(false);
        var reports = await health.LatestAsync(cancellationToken).ConfigureAwait(false);
        return facts.Current.Stores.Where(s => s.Reports && checks.ContainsKey(s.Id)).Select(s =>
        {
            var c = checks[s.Id];
            return new SilentAgent(s.Id, s.Name, s.Village, c.Silent == 1,
                c.LastUploadMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)c.LastUploadMs), DateTimeOffset.FromUnixTimeMilliseconds((long)c.CheckedMs))
            {
                // A check from before states were kept: what its silent flag said.
                State = states.GetValueOrDefault(s.Id) ?? (c.Silent == 1 ? AgentHealth.AgentStates.Silent : AgentHealth.AgentStates.Sends),
                LastHeard = reports.GetValueOrDefault(s.Id)?.Received,
            };
        }).ToList();
    }
}
