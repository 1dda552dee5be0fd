using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClickHouse.Driver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// The hub's one door to ClickHouse, limited to what works on both Debian's 18.16 and current
/// servers: raw results in JSONEachRow, inserts as TabSeparated streams, plain statements.
/// </summary>
public sealed partial class ClickHouseDatabase : IDisposable
{
    private static readonly JsonSerializerOptions RowJson = new()
    {
        // 18.16 writes 64-bit integers as JSON strings.
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = true,
    };

    private readonly IReadOnlyList<Node> _nodes;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    // The driver asks for RowBinaryWithNamesAndTypes, which 18.16 does not know; a statement that
    // produces no rows (INSERT … SELECT) must still name a format the server has (default_format).
    private readonly QueryOptions _statement;
    private readonly QueryOptions? _query;
    private int _current;

    /// <param name="timeout">Longest any one call may take; past it the call is cancelled (default 15 s).</param>
    /// <param name="cluster">The cluster (remote_servers) the database lives on; null for a single server.</param>
    public ClickHouseDatabase(
        Uri url, string database, string? username = null, string? password = null, TimeSpan? timeout = null, string? cluster = null)
        : this([url], database, username, password, timeout, cluster)
    {
    }

    /// <param name="urls">
    /// One server, or several replicas of one cluster: calls go to the first that answers, and stay
    /// with it until it stops answering.
    /// </param>
    public ClickHouseDatabase(
        IReadOnlyList<Uri> urls, string database, string? username, string? password, TimeSpan? timeout, string? cluster,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (urls.Count == 0)
        {
            throw new ArgumentException("At least one ClickHouse address is needed.", nameof(urls));
        }

        _timeout = timeout ?? TimeSpan.FromSeconds(15);
        _logger = logger ?? NullLogger.Instance;
        Name = SqlLiteral.Identifier(database);
        Cluster = cluster is null ? null : SqlLiteral.Identifier(cluster);
        _nodes = [.. urls.Select(url => NodeFor(url, database, username, password))];
        var settings = Cluster is null ? [] : ClusterSettings(_timeout);
        _statement = new QueryOptions { CustomSettings = new Dictionary<string, object>(settings) { ["default_format"] = "TabSeparated" } };
        _query = settings.Count == 0 ? null : new QueryOptions { CustomSettings = settings };
    }

    public string Name { get; }

    /// <summary>The cluster whose replicated and Distributed tables hold the data, or null on a single server.</summary>
    public string? Cluster { get; }

    /// <summary>The server calls go to now.</summary>
    public Uri ServerUrl => _nodes[Volatile.Read(ref _current)].Url;

    public IReadOnlyList<Uri> ServerUrls => [.. _nodes.Select(n => n.Url)];

    public async Task<bool> PingAsync(CancellationToken cancellationToken) =>
        await OnAnsweringNodeAsync((node, token) => node.Client.PingAsync(null, token), cancellationToken).ConfigureAwait(false);

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default) =>
        await OnAnsweringNodeAsync((node, token) => node.Client.ExecuteNonQueryAsync(sql, null, _statement, token), cancellationToken).ConfigureAwait(false);

    /// <summary>A statement without a current database, for creating it.</summary>
    internal async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken = default) =>
        await OnAnsweringNodeAsync((node, token) => node.Server.ExecuteNonQueryAsync(sql, null, _statement, token), cancellationToken).ConfigureAwait(false);

    /// <summary>Runs a SELECT (without FORMAT) and maps each JSONEachRow line onto <typeparamref name="T"/>.</summary>
    public Task<IReadOnlyList<T>> QueryAsync<T>(string select, CancellationToken cancellationToken = default) =>
        QueryAsync<T>(select, node => node.Client, cancellationToken);

    /// <summary>A SELECT without a current database, for asking whether it exists.</summary>
    internal Task<IReadOnlyList<T>> QueryOnServerAsync<T>(string select, CancellationToken cancellationToken = default) =>
        QueryAsync<T>(select, node => node.Server, cancellationToken);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string select, Func<Node, ClickHouseClient> client, CancellationToken cancellationToken)
    {
        var text = await OnAnsweringNodeAsync(async (node, token) =>
        {
            using var result = await client(node).ExecuteRawResultAsync(select + "\nFORMAT JSONEachRow", _query, token).ConfigureAwait(false);
            return await result.ReadAsStringAsync().ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            rows.Add(JsonSerializer.Deserialize<T>(line, RowJson)
                ?? throw new InvalidOperationException("ClickHouse returned an empty row."));
        }

        return rows;
    }

    public async Task InsertAsync(string table, IReadOnlyList<string> columns, TabSeparatedRows rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        var body = rows.ToUtf8();
        await OnAnsweringNodeAsync(async (node, token) =>
        {
            using var stream = new MemoryStream(body);
            using var response = await node.Client.InsertRawStreamAsync(
                SqlLiteral.Identifier(table), stream, "TabSeparated", columns, false, _query, token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Client.Dispose();
            node.Server.Dispose();
        }
    }

    /// <summary>
    /// What the hub needs from a cluster. insert_distributed_sync: an insert returns once the shard
    /// has the rows, so the agent's acknowledgement means stored (the default queues them on the
    /// node we talk to and sends them later). prefer_localhost_replica and load_balancing in_order:
    /// reads go to the same replica the insert just went to, so a batch's aggregates, recomputed
    /// right after its rows are inserted, see those rows. distributed_product_mode local: every
    /// table is sharded by store, so an IN or JOIN subquery about one store finds its rows on the
    /// shard it runs on. distributed_ddl_task_timeout: an ON CLUSTER statement that a stopped node
    /// cannot confirm fails with ClickHouse's own explanation before the hub's timeout cuts it off.
    /// </summary>
    private static Dictionary<string, object> ClusterSettings(TimeSpan timeout) => new()
    {
        ["insert_distributed_sync"] = 1,
        ["prefer_localhost_replica"] = 1,
        ["load_balancing"] = "in_order",
        ["distributed_product_mode"] = "local",
        ["distributed_ddl_task_timeout"] = Math.Max(1, (int)timeout.TotalSeconds - 2),
    };

    /// <summary>
    /// Runs a call on the current server; when it cannot be reached, on the next one, which then
    /// becomes current. Only "cannot connect" and "connection dropped" move on: a query that fails
    /// on a server that answers would fail on its replicas too. Repeating a call whose connection
    /// dropped is safe: every statement is idempotent and a repeated insert is a duplicate that
    /// replicated tables drop and ReplacingMergeTree collapses.
    /// </summary>
    private async Task<T> OnAnsweringNodeAsync<T>(Func<Node, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var first = Volatile.Read(ref _current);
        for (var attempt = 0; ; attempt++)
        {
            var index = (first + attempt) % _nodes.Count;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(_timeout);
            try
            {
                var result = await call(_nodes[index], limit.Token).ConfigureAwait(false);
                if (index != first && Interlocked.CompareExchange(ref _current, index, first) == first)
                {
                    LogFailover(_logger, _nodes[first].Url, _nodes[index].Url);
                }

                return result;
            }
            catch (HttpRequestException e) when (attempt + 1 < _nodes.Count && Unreachable(e))
            {
                LogUnreachable(_logger, _nodes[index].Url, e.HttpRequestError);
            }
        }
    }

    private static bool Unreachable(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded
        || e.InnerException is System.Net.Sockets.SocketException or IOException;

    private sealed record Node(Uri Url, ClickHouseClient Client, ClickHouseClient Server);

    /// <summary>
    /// An address may carry the login in its user part (http://user:password@host:8123), used when
    /// no username is given; the node keeps the address without it, so no log line or answer shows it.
    /// </summary>
    private static Node NodeFor(Uri url, string database, string? username, string? password)
    {
        if (url.UserInfo.Length > 0)
        {
            if (string.IsNullOrEmpty(username))
            {
                var parts = url.UserInfo.Split(':', 2);
                username = Uri.UnescapeDataString(parts[0]);
                password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
            }

            url = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri;
        }

        return new Node(
            url,
            new ClickHouseClient(ConnectionString(url, database, username, password)),
            new ClickHouseClient(ConnectionString(url, null, username, password)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ClickHouse at {Url} cannot be reached ({Error}); trying the next address")]
    private static partial void LogUnreachable(ILogger logger, Uri url, HttpRequestError error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ClickHouse calls move from {From} to {To}")]
    private static partial void LogFailover(ILogger logger, Uri from, Uri to);

    private static string ConnectionString(Uri url, string? database, string? username, string? password)
    {
        var cs = new StringBuilder()
            .Append("Host=").Append(url.Host)
            .Append(";Port=").Append(url.Port)
            .Append(";Protocol=").Append(url.Scheme)
            .Append(";JsonReadMode=None;JsonWriteMode=None");
        if (database is not null)
        {
            cs.Append(";Database=").Append(database);
        }

        if (!string.IsNullOrEmpty(username))
        {
            cs.Append(";Username=").Append(username);
        }

        if (!string.IsNullOrEmpty(password))
        {
            cs.Append(";Password=").Append(password);
        }

        return cs.ToString();
    }
}
