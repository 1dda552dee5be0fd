using Microsoft.Extensions.Logging;

namespace Norsjo.Retail.Hub.Storage.Migrations;

/// <summary>Brings the database up to the newest step of <see cref="Schema"/>, recording each step it applies.</summary>
public sealed partial class SchemaMigrator(ClickHouseDatabase database, ILogger<SchemaMigrator> logger)
{
    private sealed record AppliedStep(int Version);

    public int LatestVersion => Schema.Migrations.Max(m => m.Version);

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await database.Server.ExecuteNonQueryAsync(
            $"CREATE DATABASE IF NOT EXISTS {database.Name}", null, null, cancellationToken).ConfigureAwait(false);
        await database.ExecuteAsync(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version UInt32,
                name String,
                applied_unix_ms UInt64
            ) ENGINE = ReplacingMergeTree(applied_unix_ms)
            ORDER BY version
            """, cancellationToken).ConfigureAwait(false);

        var applied = (await AppliedVersionsAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
        var count = 0;
        foreach (var step in Schema.Migrations.OrderBy(m => m.Version).Where(m => !applied.Contains(m.Version)))
        {
            LogApplying(logger, step.Version, step.Name);
            foreach (var statement in step.Statements)
            {
                if (!await AlreadyHasColumnAsync(statement, cancellationToken).ConfigureAwait(false))
                {
                    await database.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
                }
            }

            var row = new TabSeparatedRows().Row(step.Version, step.Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await database.InsertAsync("schema_migrations", ["version", "name", "applied_unix_ms"], row, cancellationToken).ConfigureAwait(false);
            count++;
        }

        LogCurrent(logger, database.Name, LatestVersion, count);
        return count;
    }

    private sealed record ColumnCount(long Count);

    /// <summary>18.16 has no ADD COLUMN IF NOT EXISTS: an added column is looked for first, so the step can run again.</summary>
    private async Task<bool> AlreadyHasColumnAsync(string statement, CancellationToken cancellationToken)
    {
        var match = System.Text.RegularExpressions.Regex.Match(statement.Trim(), @"^ALTER TABLE (\w+) ADD COLUMN (\w+)\s");
        if (!match.Success)
        {
            return false;
        }

        var rows = await database.QueryAsync<ColumnCount>(
            $"SELECT count() AS Count FROM system.columns WHERE database = {SqlLiteral.Text(database.Name)} AND table = {SqlLiteral.Text(match.Groups[1].Value)} AND name = {SqlLiteral.Text(match.Groups[2].Value)}",
            cancellationToken).ConfigureAwait(false);
        return rows.Single().Count > 0;
    }

    public async Task<IReadOnlyList<int>> AppliedVersionsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync<AppliedStep>("SELECT DISTINCT version FROM schema_migrations ORDER BY version", cancellationToken)
            .ConfigureAwait(false)).Select(s => s.Version).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying schema step {Version}: {Name}")]
    private static partial void LogApplying(ILogger logger, int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} is at schema step {Version} ({Applied} applied now)")]
    private static partial void LogCurrent(ILogger logger, string database, int version, int applied);
}
