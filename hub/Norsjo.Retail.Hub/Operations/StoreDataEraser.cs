using System.Diagnostics;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Operations;

/// <summary>
/// Removes everything the hub holds about one store (end of contract, GDPR): its credentials are
/// revoked first, so nothing new arrives, then every row of every table with a store_id column is
/// deleted. ClickHouse deletes through mutations, which run in the background; this waits for them.
/// On a cluster the deletes go to the replicated local tables ON CLUSTER (a Distributed table holds
/// nothing to delete), and the wait lasts until the Distributed tables show none of the store's rows.
/// </summary>
public sealed partial class StoreDataEraser(ClickHouseStorage storage, StoreCredentials credentials, Ingest.IngestRefusals refusals, AgentHealth.AgentHealthStore health, ILogger<StoreDataEraser> logger)
{
    private static readonly TimeSpan MutationTimeout = TimeSpan.FromMinutes(10);

    private sealed record TableName(string Name);

    private sealed record Pending(long Count);

    public async Task<IReadOnlyList<string>> EraseAsync(string storeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeId);
        var database = storage.Database;
        await credentials.RevokeAsync(storeId, cancellationToken).ConfigureAwait(false);
        var tables = (await database.QueryAsync<TableName>(
            $"""
            SELECT DISTINCT table AS Name FROM system.columns
            WHERE database = {SqlLiteral.Text(database.Name)} AND name = 'store_id'
              AND table IN (SELECT name FROM system.tables WHERE database = {SqlLiteral.Text(database.Name)} AND engine != 'Distributed')
            ORDER BY Name
            """, cancellationToken).ConfigureAwait(false)).Select(t => t.Name).ToList();
        foreach (var table in tables)
        {
            var target = database.Cluster is { } cluster
                ? $"{database.Name}.{SqlLiteral.Identifier(table)} ON CLUSTER {cluster}"
                : SqlLiteral.Identifier(table);
            await database.ExecuteAsync(
                $"ALTER TABLE {target} DELETE WHERE store_id = {SqlLiteral.Text(storeId)}", cancellationToken).ConfigureAwait(false);
            LogTable(logger, table, storeId);
        }

        // The operational store's rows about the store's data go too: what the hub refused of it.
        await refusals.EraseAsync(storeId, cancellationToken).ConfigureAwait(false);
        await health.EraseAsync(storeId, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var pending = (await database.QueryAsync<Pending>(
                $"SELECT count() AS Count FROM system.mutations WHERE database = {SqlLiteral.Text(database.Name)} AND is_done = 0",
                cancellationToken).ConfigureAwait(false)).Single();
            if (pending.Count == 0 && await NoneLeftOnClusterAsync(database, tables, storeId, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            if (clock.Elapsed > MutationTimeout)
            {
                throw new TimeoutException($"ClickHouse is still deleting after {MutationTimeout.TotalMinutes} minutes; see system.mutations.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }

        return tables;
    }

    /// <summary>
    /// On a cluster the node we ask may not yet have picked up a mutation another replica started, so
    /// "no mutation pending here" is not enough: the store's rows must be gone from what queries see.
    /// </summary>
    private static async Task<bool> NoneLeftOnClusterAsync(ClickHouseDatabase database, IEnumerable<string> localTables, string storeId, CancellationToken cancellationToken)
    {
        if (database.Cluster is null)
        {
            return true;
        }

        foreach (var table in localTables.Where(t => t.EndsWith("_local", StringComparison.Ordinal)))
        {
            var left = (await database.QueryAsync<Pending>(
                $"SELECT count() AS Count FROM {SqlLiteral.Identifier(table[..^"_local".Length])} WHERE store_id = {SqlLiteral.Text(storeId)}",
                cancellationToken).ConfigureAwait(false)).Single();
            if (left.Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting all rows of store {StoreId} from {Table}")]
    private static partial void LogTable(ILogger logger, string table, string storeId);
}

public static class OperationsExtensions
{
    public static WebApplicationBuilder AddStoreOperations(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<StoreDataEraser>();
        builder.Services.AddSingleton<DataCheck>();
        AgentHealth.AgentHealthExtensions.AddAgentHealth(builder);
        return builder;
    }
}
