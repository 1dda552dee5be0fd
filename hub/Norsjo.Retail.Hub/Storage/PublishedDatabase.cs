using System.Globalization;
using System.Text;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// The database of published figures, beside the hub's own: what the disclosure layer decided the
/// municipality may see, and the agents' freshness. It is the only database the read-only Grafana
/// user may open (<c>allow_databases</c> in users.xml), so a panel cannot read the sales tables, nor
/// an older deployment's password hashes, whatever SQL it is given. Only the hub writes it
/// (Disclosure/PublishedTable.cs). Its tables are small: on a cluster each is one replicated table
/// that every node of the cluster holds whole (no shards), so Grafana may ask any node.
/// </summary>
public static class PublishedDatabase
{
    /// <summary>The published database of the hub database <paramref name="database"/>: <c>norsjo_retail_published</c> by default.</summary>
    public static string NameFor(string database) => SqlLiteral.Identifier(database + "_published");

    /// <summary>Each table's columns, engine arguments and order.</summary>
    private static readonly (string Table, string Columns, string Version, string OrderBy)[] Tables =
    [
        ("municipal_figures", "version UInt64, month Date, figure String, key String, value Float64, shown UInt8", "version", "(version, figure, key, month)"),
        ("agent_freshness", "version UInt64, store_id String, last_upload_ms UInt64, last_sale String, silent UInt8", "version", "(version, store_id)"),
    ];

    public static IReadOnlyList<string> Statements(string published, string? cluster)
    {
        SqlLiteral.Identifier(published);
        var onCluster = cluster is null ? string.Empty : $" ON CLUSTER {SqlLiteral.Identifier(cluster)}";
        var statements = new List<string> { $"CREATE DATABASE IF NOT EXISTS {published}{onCluster}" };
        foreach (var (table, columns, version, orderBy) in Tables)
        {
            var engine = cluster is null
                ? $"ReplacingMergeTree({version})"
                : $"ReplicatedReplacingMergeTree('/clickhouse/tables/published/{published}/{table}', '{{replica}}', {version})";
            statements.Add($"CREATE TABLE IF NOT EXISTS {published}.{table}{onCluster} ({columns}) ENGINE = {engine} ORDER BY {orderBy}");
        }

        return statements;
    }

    /// <summary>The statements as cluster-schema.sql lists them.</summary>
    public static string ClusterSection(string cluster, string database)
    {
        var published = NameFor(database);
        var sql = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"-- published figures (Grafana reads only this database): {published}, every table whole on every node");
        foreach (var statement in Statements(published, cluster))
        {
            sql.AppendLine(statement + ";").AppendLine();
        }

        return sql.ToString();
    }

    private sealed record Count(long N);

    /// <summary>Creates what is missing. On a cluster only when the node we talk to lacks it: ON CLUSTER waits for every node.</summary>
    public static async Task EnsureAsync(ClickHouseDatabase hub, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var published = NameFor(hub.Name);
        var missing = (await hub.QueryOnServerAsync<Count>(
            $"SELECT count() AS N FROM system.tables WHERE database = {SqlLiteral.Text(published)}", cancellationToken).ConfigureAwait(false)).Single().N < Tables.Length;
        if (!missing)
        {
            return;
        }

        foreach (var statement in Statements(published, hub.Cluster))
        {
            await hub.ExecuteOnServerAsync(statement, cancellationToken).ConfigureAwait(false);
        }
    }
}
