using Microsoft.Extensions.Logging;

namespace Norsjo.Retail.Hub.Storage.Migrations;

/// <summary>
/// Brings the database up to the newest step of <see cref="Schema"/>, recording each step it applies.
/// On a cluster (<see cref="ClickHouseDatabase.Cluster"/>) the steps run ON CLUSTER in their
/// <see cref="ClusterSchema"/> form, and the record is a table every node replicates.
/// </summary>
public sealed partial class SchemaMigrator(ClickHouseDatabase database, ILogger<SchemaMigrator> logger)
{
    private sealed record AppliedStep(int Version);

    private sealed record Count(long N);

    private const string MigrationColumns = """
        version UInt32,
            name String,
            applied_unix_ms UInt64
        """;

    public int LatestVersion => Schema.Migrations.Max(m => m.Version);

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        if (database.Cluster is { } cluster)
        {
            await PrepareClusterAsync(cluster, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await database.ExecuteOnServerAsync($"CREATE DATABASE IF NOT EXISTS {database.Name}", cancellationToken).ConfigureAwait(false);
            await database.ExecuteAsync(
                $"""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    {MigrationColumns}
                ) ENGINE = ReplacingMergeTree(applied_unix_ms)
                ORDER BY version
                """, cancellationToken).ConfigureAwait(false);
        }

        var applied = (await AppliedVersionsAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
        var count = 0;
        foreach (var step in Schema.Migrations.OrderBy(m => m.Version).Where(m => !applied.Contains(m.Version)))
        {
            LogApplying(logger, step.Version, step.Name);
            if (database.Cluster is { } onCluster)
            {
                foreach (var statement in ClusterSchema.Statements(step, onCluster, database.Name))
                {
                    if (statement.Kind != ClusterStatementKind.AddColumn
                        || !await HasColumnAsync(statement.Table!, statement.Column!, cancellationToken).ConfigureAwait(false))
                    {
                        await database.ExecuteAsync(statement.Sql, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            else
            {
                foreach (var statement in step.Statements)
                {
                    if (!await AlreadyHasColumnAsync(statement, cancellationToken).ConfigureAwait(false))
                    {
                        await database.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var row = new TabSeparatedRows().Row(step.Version, step.Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await database.InsertAsync("schema_migrations", ["version", "name", "applied_unix_ms"], row, cancellationToken).ConfigureAwait(false);
            count++;
        }

        LogCurrent(logger, database.Name, LatestVersion, count);
        return count;
    }

    /// <summary>
    /// The database and the record of steps, created ON CLUSTER only when the node we talk to lacks
    /// them: an ON CLUSTER statement waits for every node, so a hub restarted while one replica is
    /// down must not need one unless a step is actually pending.
    /// </summary>
    private async Task PrepareClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        var name = SqlLiteral.Text(database.Name);
        if (!await ExistsAsync($"SELECT count() AS N FROM system.databases WHERE name = {name}", cancellationToken).ConfigureAwait(false))
        {
            await database.ExecuteOnServerAsync(ClusterSchema.CreateDatabase(cluster, database.Name), cancellationToken).ConfigureAwait(false);
        }

        if (!await ExistsAsync($"SELECT count() AS N FROM system.tables WHERE database = {name} AND name = 'schema_migrations'", cancellationToken)
                .ConfigureAwait(false))
        {
            // Not sharded: every node of every shard is a replica of the one record ({shard}-{replica}
            // keeps replica names unique where shards reuse names like r1, r2).
            await database.ExecuteAsync(
                $$"""
                CREATE TABLE IF NOT EXISTS {{database.Name}}.schema_migrations ON CLUSTER {{cluster}} (
                    {{MigrationColumns}}
                ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{{database.Name}}/schema_migrations', '{shard}-{replica}', applied_unix_ms)
                ORDER BY version
                """, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> ExistsAsync(string countQuery, CancellationToken cancellationToken) =>
        (await database.QueryOnServerAsync<Count>(countQuery, cancellationToken).ConfigureAwait(false)).Single().N > 0;

    /// <summary>18.16 has no ADD COLUMN IF NOT EXISTS: an added column is looked for first, so the step can run again.</summary>
    private async Task<bool> AlreadyHasColumnAsync(string statement, CancellationToken cancellationToken)
    {
        var match = System.Text.RegularExpressions.Regex.Match(statement.Trim(), @"^ALTER TABLE (\w+) ADD COLUMN (\w+)\s");
        return match.Success && await HasColumnAsync(match.Groups[1].Value, match.Groups[2].Value, cancellationToken).ConfigureAwait(false);
    }

    private Task<bool> HasColumnAsync(string table, string column, CancellationToken cancellationToken) => ExistsAsync(
        $"SELECT count() AS N FROM system.columns WHERE database = {SqlLiteral.Text(database.Name)} AND table = {SqlLiteral.Text(table)} AND name = {SqlLiteral.Text(column)}",
        cancellationToken);

    public async Task<IReadOnlyList<int>> AppliedVersionsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync<AppliedStep>("SELECT DISTINCT version FROM schema_migrations ORDER BY version", cancellationToken)
            .ConfigureAwait(false)).Select(s => s.Version).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying schema step {Version}: {Name}")]
    private static partial void LogApplying(ILogger logger, int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} is at schema step {Version} ({Applied} applied now)")]
    private static partial void LogCurrent(ILogger logger, string database, int version, int applied);
}
