using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Operations;

public sealed record SilentAgent(string StoreId, string Name, string Village, bool Silent, DateTimeOffset? LastUpload, DateTimeOffset Checked);

/// <summary>
/// An agent is silent when its store is open now (registry opening hours, Swedish time) and nothing
/// has arrived from it for <c>Jobs:SilentAfter</c> (2 hours). Checked hourly by a job; the latest
/// check per store is kept in ClickHouse for the municipality's view.
/// </summary>
public sealed class SilentAgents(ClickHouseStorage storage, RegistryFacts facts, TimeProvider time, IConfiguration configuration)
{
    private sealed record LastUpload(string StoreId, ulong At);

    private sealed record Check(string StoreId, ulong CheckedMs, int Silent, ulong LastUploadMs);

    public TimeSpan SilentAfter => configuration.GetValue<TimeSpan?>("Jobs:SilentAfter") ?? TimeSpan.FromHours(2);

    public async Task<IReadOnlyList<SilentAgent>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var local = Time.SwedishTime.Local(now);
        var uploads = (await storage.Database.QueryAsync<LastUpload>(
            "SELECT store_id AS StoreId, max(version) AS At FROM ingest_batches GROUP BY store_id", cancellationToken).ConfigureAwait(false))
            .ToDictionary(u => u.StoreId, u => DateTimeOffset.FromUnixTimeMilliseconds((long)u.At), StringComparer.Ordinal);
        var rows = new TabSeparatedRows();
        var result = new List<SilentAgent>();
        foreach (var store in facts.Current.Stores.Where(s => s.Reports))
        {
            var last = uploads.TryGetValue(store.Id, out var at) ? at : (DateTimeOffset?)null;
            var open = store.Hours.IsOpen(local.DayOfWeek, TimeOnly.FromDateTime(local.DateTime));
            var silent = open && (last is null || now - last.Value > SilentAfter);
            rows.Row(store.Id, (ulong)now.ToUnixTimeMilliseconds(), silent, (ulong)(last?.ToUnixTimeMilliseconds() ?? 0), now.ToUnixTimeMilliseconds());
            result.Add(new SilentAgent(store.Id, store.Name, store.Village, silent, last, now));
        }

        await storage.Database.InsertAsync("agent_silence", ["store_id", "checked_unix_ms", "silent", "last_upload_unix_ms", "version"], rows, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>The latest hourly check of every store.</summary>
    public async Task<IReadOnlyList<SilentAgent>> LatestAsync(CancellationToken cancellationToken = default)
    {
        var checks = (await storage.Database.QueryAsync<Check>(
            "SELECT store_id AS StoreId, checked_unix_ms AS CheckedMs, silent AS Silent, last_upload_unix_ms AS LastUploadMs FROM agent_silence FINAL",
            cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.StoreId, StringComparer.Ordinal);
        return facts.Current.Stores.Where(s => s.Reports && checks.ContainsKey(s.Id)).Select(s =>
        {
            var c = checks[s.Id];
            return new SilentAgent(s.Id, s.Name, s.Village, c.Silent == 1,
                c.LastUploadMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)c.LastUploadMs), DateTimeOffset.FromUnixTimeMilliseconds((long)c.CheckedMs));
        }).ToList();
    }
}
