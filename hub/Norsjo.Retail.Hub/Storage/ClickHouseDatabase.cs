using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClickHouse.Driver;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// The hub's one door to ClickHouse, limited to what works on both Debian's 18.16 and current
/// servers: raw results in JSONEachRow, inserts as TabSeparated streams, plain statements.
/// </summary>
public sealed class ClickHouseDatabase : IDisposable
{
    private static readonly JsonSerializerOptions RowJson = new()
    {
        // 18.16 writes 64-bit integers as JSON strings.
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = true,
    };

    // The driver asks for RowBinaryWithNamesAndTypes, which 18.16 does not know; a statement that
    // produces no rows (INSERT … SELECT) must still name a format the server has.
    private static readonly QueryOptions Statement = new()
    {
        CustomSettings = new Dictionary<string, object> { ["default_format"] = "TabSeparated" },
    };

    private readonly ClickHouseClient _client;
    private readonly TimeSpan _timeout;

    /// <param name="timeout">Longest any one call may take; past it the call is cancelled (default 15 s).</param>
    public ClickHouseDatabase(Uri url, string database, string? username = null, string? password = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        _timeout = timeout ?? TimeSpan.FromSeconds(15);
        Name = SqlLiteral.Identifier(database);
        ServerUrl = url;
        _client = new ClickHouseClient(ConnectionString(url, database, username, password));
        Server = new ClickHouseClient(ConnectionString(url, null, username, password));
    }

    public string Name { get; }

    public Uri ServerUrl { get; }

    /// <summary>A client without a current database, for creating it.</summary>
    internal ClickHouseClient Server { get; }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var limit = Limit(cancellationToken);
        return await _client.PingAsync(null, limit.Token).ConfigureAwait(false);
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        using var limit = Limit(cancellationToken);
        await _client.ExecuteNonQueryAsync(sql, null, Statement, limit.Token).ConfigureAwait(false);
    }

    /// <summary>Runs a SELECT (without FORMAT) and maps each JSONEachRow line onto <typeparamref name="T"/>.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string select, CancellationToken cancellationToken = default)
    {
        using var limit = Limit(cancellationToken);
        using var result = await _client.ExecuteRawResultAsync(select + "\nFORMAT JSONEachRow", null, limit.Token).ConfigureAwait(false);
        var text = await result.ReadAsStringAsync().ConfigureAwait(false);
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

        using var body = new MemoryStream(rows.ToUtf8());
        using var limit = Limit(cancellationToken);
        using var response = await _client.InsertRawStreamAsync(
            SqlLiteral.Identifier(table), body, "TabSeparated", columns, false, null, limit.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        _client.Dispose();
        Server.Dispose();
    }

    private CancellationTokenSource Limit(CancellationToken cancellationToken)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_timeout);
        return limit;
    }

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
