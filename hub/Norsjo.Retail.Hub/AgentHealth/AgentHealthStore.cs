using Dapper;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.AgentHealth;

/// <summary>How a store's agent last said it was (proto AgentHealth), and when the hub last heard from it, by batch or by heartbeat.</summary>
/// <param name="OldestItemAgeSeconds">Of the oldest item waiting in the agent's outbox when it measured; 0 when its queue was empty.</param>
public sealed record AgentHealthView(
    string StoreId,
    string AgentVersion,
    DateTimeOffset Measured,
    int QueueItems,
    int QueueCapacity,
    long OldestItemAgeSeconds,
    DateTimeOffset? LastUpload,
    int Refused,
    int DamagedItems,
    int ErrorFiles,
    int ErrorLines,
    int FailedAttempts,
    DateTimeOffset? LastFailure,
    string LastFailureStatus,
    DateTimeOffset Received,
    DateTimeOffset? LastHeartbeat,
    DateTimeOffset? LastBatch);

/// <summary>
/// The latest health each store's agent reported (operational table agent_health, one row per
/// store, replaced by each report). Kept in the operational store rather than ClickHouse: it is
/// the latest state, written often and read by key, never analysed over time — and it must be
/// written even when ClickHouse is away (that is when an agent's batches fail and its heartbeat
/// still says it lives).
/// </summary>
public sealed partial class AgentHealthStore(OperationalStore store, TimeProvider time, ILogger<AgentHealthStore> logger)
{
    /// <summary>How the report came.</summary>
    public enum Via
    {
        Batch,
        Heartbeat,
    }

    /// <summary>Records a report; a failure to record is logged and never fails the call it came with.</summary>
    public async Task RecordAsync(string storeId, string agentVersion, Contracts.V1.AgentHealth health, Via via, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(health);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("""
                INSERT INTO agent_health (store_id, agent_version, measured_unix_ms, queue_items, queue_capacity, oldest_item_age_seconds,
                    last_upload_unix_ms, refused, damaged_items, error_files, error_lines, failed_attempts, last_failure_unix_ms, last_failure,
                    received_unix_ms, last_heartbeat_unix_ms, last_batch_unix_ms)
                VALUES (@StoreId, @Version, @Measured, @QueueItems, @QueueCapacity, @OldestAge, @LastUpload, @Refused, @Damaged, @ErrorFiles,
                    @ErrorLines, @Failed, @LastFailureAt, @LastFailure, @Now, @Heartbeat, @Batch)
                ON CONFLICT (store_id) DO UPDATE SET agent_version = excluded.agent_version, measured_unix_ms = excluded.measured_unix_ms,
                    queue_items = excluded.queue_items, queue_capacity = excluded.queue_capacity, oldest_item_age_seconds = excluded.oldest_item_age_seconds,
                    last_upload_unix_ms = excluded.last_upload_unix_ms, refused = excluded.refused, damaged_items = excluded.damaged_items,
                    error_files = excluded.error_files, error_lines = excluded.error_lines, failed_attempts = excluded.failed_attempts,
                    last_failure_unix_ms = excluded.last_failure_unix_ms, last_failure = excluded.last_failure, received_unix_ms = excluded.received_unix_ms,
                    last_heartbeat_unix_ms = CASE WHEN excluded.last_heartbeat_unix_ms > 0 THEN excluded.last_heartbeat_unix_ms ELSE agent_health.last_heartbeat_unix_ms END,
                    last_batch_unix_ms = CASE WHEN excluded.last_batch_unix_ms > 0 THEN excluded.last_batch_unix_ms ELSE agent_health.last_batch_unix_ms END
                """, new
            {
                StoreId = storeId,
                Version = Clean(agentVersion, 40),
                Measured = health.MeasuredUnixMs,
                health.QueueItems,
                health.QueueCapacity,
                OldestAge = Math.Max(0, health.OldestItemAgeSeconds),
                LastUpload = health.LastUploadUnixMs,
                health.Refused,
                Damaged = health.DamagedItems,
                health.ErrorFiles,
                health.ErrorLines,
                Failed = health.FailedAttempts,
                LastFailureAt = health.LastFailureUnixMs,
                LastFailure = Clean(health.LastFailure, 40),
                Now = now,
                Heartbeat = via == Via.Heartbeat ? now : 0,
                Batch = via == Via.Batch ? now : 0,
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            LogNotRecorded(logger, e, storeId);
        }
    }

    public async Task<IReadOnlyDictionary<string, AgentHealthView>> LatestAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>("""
            SELECT store_id AS StoreId, agent_version AS AgentVersion, measured_unix_ms AS MeasuredMs, queue_items AS QueueItems,
                queue_capacity AS QueueCapacity, oldest_item_age_seconds AS OldestAge, last_upload_unix_ms AS LastUploadMs, refused AS Refused,
                damaged_items AS DamagedItems, error_files AS ErrorFiles, error_lines AS ErrorLines, failed_attempts AS FailedAttempts,
                last_failure_unix_ms AS LastFailureMs, last_failure AS LastFailure, received_unix_ms AS ReceivedMs,
                last_heartbeat_unix_ms AS HeartbeatMs, last_batch_unix_ms AS BatchMs
            FROM agent_health
            """).ConfigureAwait(false);
        return rows.Select(r => new AgentHealthView(r.StoreId, r.AgentVersion, At(r.MeasuredMs)!.Value, (int)r.QueueItems, (int)r.QueueCapacity, r.OldestAge,
                At(r.LastUploadMs), (int)r.Refused, (int)r.DamagedItems, (int)r.ErrorFiles, (int)r.ErrorLines, (int)r.FailedAttempts, At(r.LastFailureMs),
                r.LastFailure, At(r.ReceivedMs)!.Value, At(r.HeartbeatMs), At(r.BatchMs)))
            .ToDictionary(v => v.StoreId, StringComparer.Ordinal);
    }

    /// <summary>Keeps the silence check's state per store (agent_states), replacing the previous check's.</summary>
    public async Task SaveStatesAsync(IEnumerable<(string StoreId, string State)> states, DateTimeOffset checkedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (storeId, state) in states)
        {
            await connection.ExecuteAsync("""
                INSERT INTO agent_states (store_id, state, checked_unix_ms) VALUES (@storeId, @state, @at)
                ON CONFLICT (store_id) DO UPDATE SET state = excluded.state, checked_unix_ms = excluded.checked_unix_ms
                """, new { storeId, state, at = checkedAt.ToUnixTimeMilliseconds() }).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyDictionary<string, string>> StatesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<(string StoreId, string State)>("SELECT store_id, state FROM agent_states").ConfigureAwait(false))
            .ToDictionary(r => r.StoreId, r => r.State, StringComparer.Ordinal);
    }

    /// <summary>Deletes what the store's agent reported of itself and its connection (StoreDataEraser).</summary>
    public async Task EraseAsync(string storeId, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in new[] { "agent_health", "connection_days", "agent_states" })
        {
            await connection.ExecuteAsync($"DELETE FROM {table} WHERE store_id = @storeId", new { storeId }).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset? At(long ms) => ms <= 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>What an agent sends as text is kept short and printable.</summary>
    internal static string Clean(string text, int max) =>
        new string((text ?? string.Empty).Where(c => !char.IsControl(c)).Take(max).ToArray());

    private sealed class Row
    {
        public string StoreId { get; set; } = string.Empty;

        public string AgentVersion { get; set; } = string.Empty;

        public long MeasuredMs { get; set; }

        public long QueueItems { get; set; }

        public long QueueCapacity { get; set; }

        public long OldestAge { get; set; }

        public long LastUploadMs { get; set; }

        public long Refused { get; set; }

        public long DamagedItems { get; set; }

        public long ErrorFiles { get; set; }

        public long ErrorLines { get; set; }

        public long FailedAttempts { get; set; }

        public long LastFailureMs { get; set; }

        public string LastFailure { get; set; } = string.Empty;

        public long ReceivedMs { get; set; }

        public long HeartbeatMs { get; set; }

        public long BatchMs { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The health report of {StoreId}'s agent could not be recorded")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string storeId);
}
