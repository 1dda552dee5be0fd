using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>A batch waiting for the hub's acknowledgement.</summary>
public sealed record PendingBatch(long Sequence, UploadBatchRequest Request, int Attempts);

/// <summary>
/// The agent's durable queue: SQLite in WAL mode with synchronous=FULL, so a batch counts as taken
/// from its source only once it is on disk, and a batch is deleted only when the hub has
/// acknowledged it. Whatever is in here survives kill -9 and power loss.
/// </summary>
public sealed class SqliteOutbox : IDisposable
{
    public const string FileName = "outbox.db";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _enqueued = new(0);

    public SqliteOutbox(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS batches (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                batch_id TEXT NOT NULL UNIQUE,
                created_utc TEXT NOT NULL,
                receipts INTEGER NOT NULL,
                payload BLOB NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS rejected_batches (
                batch_id TEXT PRIMARY KEY,
                rejected_utc TEXT NOT NULL,
                reason TEXT NOT NULL,
                payload BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS imported_sources (
                source_key TEXT PRIMARY KEY,
                source_name TEXT NOT NULL,
                imported_utc TEXT NOT NULL
            );
            """);
    }

    /// <summary>Has a source with this content key (e.g. a file's SHA-256) been taken before?</summary>
    public bool IsImported(string sourceKey)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM imported_sources WHERE source_key = $key";
        command.Parameters.AddWithValue("$key", sourceKey);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Stores the batches and marks the source as imported, all or nothing, on disk before it returns.</summary>
    public void Enqueue(IReadOnlyList<UploadBatchRequest> batches, string sourceKey, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(batches);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        foreach (var batch in batches)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO batches (batch_id, created_utc, receipts, payload) VALUES ($id, $created, $receipts, $payload)";
            insert.Parameters.AddWithValue("$id", batch.BatchId);
            insert.Parameters.AddWithValue("$created", DateTime.UtcNow.ToString("O"));
            insert.Parameters.AddWithValue("$receipts", batch.Receipts.Count);
            insert.Parameters.AddWithValue("$payload", batch.ToByteArray());
            insert.ExecuteNonQuery();
        }

        using (var mark = connection.CreateCommand())
        {
            mark.Transaction = transaction;
            mark.CommandText = "INSERT OR IGNORE INTO imported_sources (source_key, source_name, imported_utc) VALUES ($key, $name, $at)";
            mark.Parameters.AddWithValue("$key", sourceKey);
            mark.Parameters.AddWithValue("$name", sourceName);
            mark.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("O"));
            mark.ExecuteNonQuery();
        }

        transaction.Commit();
        if (batches.Count > 0)
        {
            _enqueued.Release();
        }
    }

    /// <summary>The oldest batch not yet acknowledged, or null when the outbox is empty.</summary>
    public PendingBatch? Peek()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, payload, attempts FROM batches ORDER BY sequence LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new PendingBatch(reader.GetInt64(0), UploadBatchRequest.Parser.ParseFrom((byte[])reader[1]), reader.GetInt32(2))
            : null;
    }

    public void RecordAttempt(long sequence) =>
        ExecuteWith("UPDATE batches SET attempts = attempts + 1 WHERE sequence = $seq", ("$seq", sequence));

    /// <summary>The hub has stored the batch: it may go.</summary>
    public void Acknowledge(long sequence) =>
        ExecuteWith("DELETE FROM batches WHERE sequence = $seq", ("$seq", sequence));

    /// <summary>The hub refused the batch for good: keep it aside for a person to look at, never drop it.</summary>
    public void SetAside(long sequence, string reason)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var move = connection.CreateCommand())
        {
            move.Transaction = transaction;
            move.CommandText = """
                INSERT OR REPLACE INTO rejected_batches (batch_id, rejected_utc, reason, payload)
                SELECT batch_id, $at, $reason, payload FROM batches WHERE sequence = $seq
                """;
            move.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("O"));
            move.Parameters.AddWithValue("$reason", reason);
            move.Parameters.AddWithValue("$seq", sequence);
            move.ExecuteNonQuery();
        }

        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM batches WHERE sequence = $seq";
            delete.Parameters.AddWithValue("$seq", sequence);
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public (int Batches, int Receipts) Pending()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), coalesce(sum(receipts), 0) FROM batches";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    public int RejectedCount()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM rejected_batches";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until something is enqueued (true) or the time is up (false), whichever comes first.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _enqueued.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _enqueued.Dispose();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // FULL: a commit is on disk before Commit() returns, WAL or not.
        Execute(connection, "PRAGMA synchronous=FULL;");
        return connection;
    }

    private void ExecuteWith(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
