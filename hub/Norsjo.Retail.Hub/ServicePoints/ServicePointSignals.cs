using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>
/// "Kanske stängt": a shop whose agent the hourly silence check (Operations/SilentAgents.cs) does not
/// find sending, and from which nothing (no batch, no health report) has arrived for
/// <see cref="ServicePointFreshness.PossiblyClosedAfter"/>. An agent never heard from is not flagged:
/// it has not gone silent, it has not started. Without ClickHouse the flags are unknown and none is shown,
/// so the public page still answers.
/// </summary>
public sealed class ServicePointSignals(SilentAgents agents, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, SilentAgent>> PossiblyClosedAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<SilentAgent> checks;
        try
        {
            checks = await agents.LatestAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageGuard.IsStorageFailure(e, cancellationToken))
        {
            return new Dictionary<string, SilentAgent>();
        }

        var now = time.GetUtcNow();
        return checks
            .Where(a => a.State != AgentHealth.AgentStates.Sends)
            .Where(a => (a.LastUpload, a.LastHeard) switch
            {
                (null, null) => false,
                var (upload, heard) => now - new[] { upload, heard }.Max()!.Value >= ServicePointFreshness.PossiblyClosedAfter,
            })
            .ToDictionary(a => a.StoreId, StringComparer.Ordinal);
    }
}
