using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>
/// The agent's durable queue: SQLite in WAL mode with synchronous=FULL, so an item counts as taken
/// from its source only once it is on disk, and leaves only when the hub has acknowledged the batch
/// it was sent in. Items are put into batches when they are sent; a batch's id is stored with its
/// items first, so after a restart the same batch goes again under the same id and the hub
/// recognises it. Every item carries a checksum; a damaged item is set aside, never sent. The
/// queue is bounded: when full, sources leave their input where it is. Beside it the ledger
/// (<see cref="OutboxLedger"/>) records what it holds, so damage to this file is always counted and
/// reported (<see cref="OutboxRecovery"/>). A full disk raises <see cref="DiskFullException"/>, never
/// a stop: the caller pauses and <see cref="WaitUntilWritableAsync"/> says when space is back.
/// </summary>
public sealed partial class SqliteOutbox : IDisposable
{
    public const string FileName = "outbox.db";

    private readonly string _path;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _enqueued = new(0);
    private static readonly string[] DeleteBatch = ["DELETE FROM items WHERE batch_id = $id", "DELETE FROM batches WHERE batch_id = $id"];

    private readonly object _formingBatches = new();
    private readonly object _writing = new();
    private readonly string _dataDirectory;
    private readonly OutboxLedger _ledger;
    private readonly ILogger _logger;
    private long _diskFullSinceTicks;

    /// <param name="capacity">Most items held at once (receipts, daily totals and deliveries together).</param>
    /// <param name="logger">Where damage found while sending is reported (the agent's log).</param>
    public SqliteOutbox(string dataDirectory, int capacity = 500_000, ILogger? logger = null)
    {
        Directory.CreateDirectory(dataDirectory);
        Capacity = capacity;
        _dataDirectory = dataDirectory;
        _logger = logger ?? NullLogger.Instance;
        _path = Path.Combine(dataDirectory, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        Recovery = OutboxRecovery.CheckAndRecover(dataDirectory, _path, CreateSchema);
        _ledger = new OutboxLedger(dataDirectory);
        RewriteLedger();
    }

    public int Capacity { get; }

    /// <summary>Since when the disk has been too full to store anything; null while writes succeed.</summary>
    public DateTimeOffset? DiskFullSince
    {
        get
        {
            var ticks = Interlocked.Read(ref _diskFullSinceTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>What was found at start-up: null when the outbox was sound.</summary>
    public OutboxRecoveryReport? Recovery { get; }

    /// <summary>Has a source with this content key (e.g. a file's SHA-256) been taken before?</summary>
    public bool IsImported(string sourceKey)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT 1 FROM imported_sources WHERE source_key = $key", ("$key", sourceKey));
        return command.ExecuteScalar() is not null;
    }

    /// <summary>
    /// Stores the items and marks the source as imported, all or nothing, on disk before it returns.
    /// False, with nothing stored, when the items would not fit: the source keeps its input.
    /// </summary>
    /// <param name="sourceKey">Null: the source is not marked (a piece of a file, whose checkpoint says how far it was read).</param>
    /// <param name="inTransaction">More to store in the same transaction (a file's checkpoint).</param>
    public bool TryEnqueue(OutboxItems items, string? sourceKey, string sourceName, Action<SqliteConnection, SqliteTransaction>? inTransaction = null) =>
        Guarded(() => Enqueue(items, sourceKey, sourceKey ?? PieceSourcePrefix + sourceName, sourceName, inTransaction));

    /// <param name="itemSource">What each item remembers as its source (ledger, sending again): the source key, or the piece's file.</param>
    private bool Enqueue(OutboxItems items, string? sourceKey, string itemSource, string sourceName, Action<SqliteConnection, SqliteTransaction>? inTransaction)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var count = Command(connection, "SELECT count(*) FROM items"))
        {
            count.Transaction = transaction;
            if (Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture) + items.Count + VolumesFor(items.ServiceEvents) > Capacity)
            {
                return false;
            }
        }

        List<ServiceVolume> volumes;
        using (var insert = Command(connection, "INSERT INTO items (kind, payload, checksum, created_utc, source_key) VALUES ($kind, $payload, $checksum, $at, $source)"))
        {
            insert.Transaction = transaction;
            insert.Parameters.AddWithValue("$source", itemSource);
            var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
            var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
            var checksum = insert.Parameters.Add("$checksum", SqliteType.Blob);
            insert.Parameters.AddWithValue("$at", Now());
            insert.Prepare();
            void Add(OutboxItemKind k, IMessage message)
            {
                var bytes = message.ToByteArray();
                kind.Value = (int)k;
                payload.Value = bytes;
                checksum.Value = Checksum(bytes);
                insert.ExecuteNonQuery();
            }

            foreach (var receipt in items.Receipts)
            {
                Add(OutboxItemKind.Receipt, receipt);
            }

            foreach (var total in items.DailyTotals)
            {
                Add(OutboxItemKind.DailyTotal, total);
            }

            foreach (var delivery in items.HomeDeliveries)
            {
                Add(OutboxItemKind.HomeDelivery, delivery);
            }

            volumes = TallyServices(connection, transaction, items.ServiceEvents);
            foreach (var volume in volumes)
            {
                Add(OutboxItemKind.ServiceVolume, volume);
            }
        }

        var stored = items.Count + volumes.Count;

        // The last item's seq, read before the source's own row is inserted.
        long last;
        using (var rowid = Command(connection, "SELECT last_insert_rowid()"))
        {
            rowid.Transaction = transaction;
            last = Convert.ToInt64(rowid.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        if (sourceKey is not null)
        {
            using var mark = Command(connection,
                "INSERT OR IGNORE INTO imported_sources (source_key, source_name, imported_utc) VALUES ($key, $name, $at)",
                ("$key", sourceKey), ("$name", sourceName), ("$at", Now()));
            mark.Transaction = transaction;
            mark.ExecuteNonQuery();
        }

        inTransaction?.Invoke(connection, transaction);
        lock (_writing)
        {
            transaction.Commit();
            if (stored > 0)
            {
                // Items of one transaction have consecutive seqs (AUTOINCREMENT, one writer at a time).
                var pos = itemSource.StartsWith(PosSourcePrefix, StringComparison.Ordinal) && items.Receipts.Count == 1
                    ? PosSale(items.Receipts[0]) : ((DateOnly, long)?)null;
                _ledger.RecordIn(new LedgerEntry(last - stored + 1, last, itemSource, pos?.Item1, pos?.Item2 ?? 0));
            }
        }

        if (stored > 0)
        {
            _enqueued.Release();
        }

        return true;
    }

    /// <summary>Source keys of the POS plug-in's sales: no file holds them.</summary>
    public const string PosSourcePrefix = "pos:";

    /// <summary>
    /// The source of a piece of a line file read from its checkpoint: the file's name, since a growing
    /// file has no content key. After damage, files of that name in "behandlade" are read again whole.
    /// </summary>
    public const string PieceSourcePrefix = "piece:";

    internal static (DateOnly Date, long GrossOre) PosSale(Receipt receipt) =>
        (new DateOnly(receipt.Date?.Year ?? 1, receipt.Date?.Month ?? 1, receipt.Date?.Day ?? 1), receipt.Lines.Sum(l => l.GrossOre));

    /// <summary>
    /// The batch to send next: the oldest one already formed (and perhaps sent before), or a new one
    /// of the oldest waiting items, at most <paramref name="maxItems"/> and about <paramref name="maxBytes"/>.
    /// Null when there is nothing to send.
    /// </summary>
    public PendingBatch? NextBatch(string storeId, int maxItems, int maxBytes) =>
        Guarded(() => FormNextBatch(storeId, maxItems, maxBytes));

    private PendingBatch? FormNextBatch(string storeId, int maxItems, int maxBytes)
    {
        lock (_formingBatches)
        {
            while (true)
            {
                using var connection = Open();
                using var transaction = connection.BeginTransaction();
                var (batchId, attempts) = OldestBatch(connection, transaction);
                if (batchId is null)
                {
                    batchId = FormBatch(connection, transaction, maxItems, maxBytes);
                    if (batchId is null)
                    {
                        return null;
                    }
                }

                var request = new UploadBatchRequest { BatchId = batchId, StoreId = storeId, AgentVersion = BatchBuilder.AgentVersion };
                var damaged = new List<(long Seq, byte[] Payload, string? Source)>();
                using (var items = Command(connection, "SELECT seq, kind, payload, checksum, source_key FROM items WHERE batch_id = $id ORDER BY seq", ("$id", batchId)))
                {
                    items.Transaction = transaction;
                    using var reader = items.ExecuteReader();
                    while (reader.Read())
                    {
                        // Damage may even change a value's type: anything but two blobs that match is damaged.
                        var payload = reader.GetValue(2) as byte[] ?? [];
                        if (reader.GetValue(3) is not byte[] checksum || !Checksum(payload).AsSpan().SequenceEqual(checksum)
                            || !TryAdd(request, (OutboxItemKind)reader.GetInt32(1), payload))
                        {
                            damaged.Add((reader.GetInt64(0), payload, reader.IsDBNull(4) ? null : reader.GetString(4)));
                        }
                    }
                }

                foreach (var (seq, payload, source) in damaged)
                {
                    SetDamaged(connection, transaction, seq, payload, source, "checksum or content does not match");
                }

                if (damaged.Count > 0)
                {
                    _ledger.RecordOut([.. damaged.Select(d => d.Seq)]);
                }

                var empty = request.Receipts.Count + request.DailyTotals.Count + request.HomeDeliveries.Count + request.ServiceVolumes.Count == 0;
                if (empty)
                {
                    // Nothing of it was sound: drop the empty batch and form the next one.
                    using var drop = Command(connection, "DELETE FROM batches WHERE batch_id = $id", ("$id", batchId));
                    drop.Transaction = transaction;
                    drop.ExecuteNonQuery();
                }

                transaction.Commit();
                if (damaged.Count > 0)
                {
                    ReportDamaged(damaged.Select(d => (d.Seq, d.Source)).ToList());
                }

                if (!empty)
                {
                    return new PendingBatch(request, attempts);
                }
            }
        }
    }

    private static (string? BatchId, int Attempts) OldestBatch(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var open = Command(connection, "SELECT batch_id, attempts FROM batches ORDER BY created_utc, batch_id LIMIT 1");
        open.Transaction = transaction;
        using var reader = open.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetInt32(1)) : (null, 0);
    }

    /// <summary>Gives the oldest waiting items a batch id, stored before anything is sent.</summary>
    private static string? FormBatch(SqliteConnection connection, SqliteTransaction transaction, int maxItems, int maxBytes)
    {
        var chosen = new List<long>();
        long bytes = 0;
        using (var waiting = Command(connection, "SELECT seq, length(payload) FROM items WHERE batch_id IS NULL ORDER BY seq LIMIT $max", ("$max", maxItems)))
        {
            waiting.Transaction = transaction;
            using var reader = waiting.ExecuteReader();
            while (reader.Read() && (chosen.Count == 0 || bytes + reader.GetInt64(1) <= maxBytes))
            {
                chosen.Add(reader.GetInt64(0));
                bytes += reader.GetInt64(1);
            }
        }

        if (chosen.Count == 0)
        {
            return null;
        }

        var batchId = Guid.NewGuid().ToString();
        using (var assign = Command(connection, "UPDATE items SET batch_id = $id WHERE seq BETWEEN $first AND $last AND batch_id IS NULL",
            ("$id", batchId), ("$first", chosen[0]), ("$last", chosen[^1])))
        {
            assign.Transaction = transaction;
            assign.ExecuteNonQuery();
        }

        using (var create = Command(connection, "INSERT INTO batches (batch_id, created_utc, attempts) VALUES ($id, $at, 0)", ("$id", batchId), ("$at", Now())))
        {
            create.Transaction = transaction;
            create.ExecuteNonQuery();
        }

        return batchId;
    }

    public void RecordAttempt(string batchId) =>
        Guarded(() => Execute("UPDATE batches SET attempts = attempts + 1 WHERE batch_id = $id", ("$id", batchId)));

    /// <summary>The hub has stored the batch: its items may go.</summary>
    public void Acknowledge(string batchId) => Guarded(() =>
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        RecordLeaving(connection, transaction, "SELECT seq FROM items WHERE batch_id = $id", ("$id", batchId));
        foreach (var sql in DeleteBatch)
        {
            using var command = Command(connection, sql, ("$id", batchId));
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }

        SetState(connection, transaction, "last_success_utc", Now());
        transaction.Commit();
    });

    /// <summary>The hub refused the batch for good: keep it aside for a person to look at, never drop it.</summary>
    public void SetAside(PendingBatch batch, string reason) => Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        RecordLeaving(connection, transaction, "SELECT seq FROM items WHERE batch_id = $id", ("$id", batch.Request.BatchId));
        using (var keep = Command(connection, "INSERT OR REPLACE INTO rejected_batches (batch_id, rejected_utc, reason, payload) VALUES ($id, $at, $reason, $payload)",
            ("$id", batch.Request.BatchId), ("$at", Now()), ("$reason", reason), ("$payload", batch.Request.ToByteArray())))
        {
            keep.Transaction = transaction;
            keep.ExecuteNonQuery();
        }

        foreach (var sql in DeleteBatch)
        {
            using var command = Command(connection, sql, ("$id", batch.Request.BatchId));
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }

        SetState(connection, transaction, "last_error_utc", Now());
        SetState(connection, transaction, "last_error", "refused: " + reason);
        transaction.Commit();
    });

    /// <summary>
    /// The hub refused the batch because of one item it names ("receipts[3].date: …"): keep that
    /// item aside and let the rest of the batch go again under the same id. False when the refusal
    /// names no single item.
    /// </summary>
    public bool SetAsideItem(PendingBatch batch, string refusal) => Guarded(() => SetAsideNamedItem(batch, refusal));

    private bool SetAsideNamedItem(PendingBatch batch, string refusal)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(refusal);
        if (RefusedItem.Of(refusal) is not var (named, index))
        {
            return false;
        }

        var kind = named switch
        {
            "receipts" => OutboxItemKind.Receipt,
            "daily_totals" => OutboxItemKind.DailyTotal,
            "service_volumes" => OutboxItemKind.ServiceVolume,
            _ => OutboxItemKind.HomeDelivery,
        };
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        RecordLeaving(connection, transaction, "SELECT seq FROM items WHERE batch_id = $id AND kind = $kind ORDER BY seq LIMIT 1 OFFSET $index",
            ("$id", batch.Request.BatchId), ("$kind", (int)kind), ("$index", (long)index));
        using var move = Command(connection, """
            INSERT INTO rejected_items (seq, batch_id, rejected_utc, reason, kind, payload)
            SELECT seq, batch_id, $at, $reason, kind, payload FROM items
            WHERE seq = (SELECT seq FROM items WHERE batch_id = $id AND kind = $kind ORDER BY seq LIMIT 1 OFFSET $index)
            """, ("$at", Now()), ("$reason", refusal), ("$id", batch.Request.BatchId), ("$kind", (int)kind),
            ("$index", (long)index));
        move.Transaction = transaction;
        if (move.ExecuteNonQuery() != 1)
        {
            return false;
        }

        using (var delete = Command(connection, "DELETE FROM items WHERE seq IN (SELECT seq FROM rejected_items WHERE batch_id = $id) AND batch_id = $id", ("$id", batch.Request.BatchId)))
        {
            delete.Transaction = transaction;
            delete.ExecuteNonQuery();
        }

        SetState(connection, transaction, "last_error_utc", Now());
        SetState(connection, transaction, "last_error", "refused item: " + refusal);
        transaction.Commit();
        return true;
    }

    public void RecordError(string error) => Guarded(() =>
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        SetState(connection, transaction, "last_error_utc", Now());
        SetState(connection, transaction, "last_error", error);
        transaction.Commit();
    });

    public OutboxStatus Status()
    {
        using var connection = Open();
        return ReadStatus(connection, Capacity) with { DiskFullSince = DiskFullSince };
    }

    /// <summary>The status as stored in an outbox file; only reads (also for `status` on a read-only connection).</summary>
    internal static OutboxStatus ReadStatus(SqliteConnection connection, int capacity)
    {
        long Count(string sql)
        {
            using var command = Command(connection, sql);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        string? State(string key)
        {
            using var command = Command(connection, "SELECT value FROM state WHERE key = $key", ("$key", key));
            return command.ExecuteScalar() as string;
        }

        static DateTimeOffset? Time(string? text) =>
            text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        return new OutboxStatus(
            (int)Count("SELECT count(*) FROM items"),
            capacity,
            (int)Count("SELECT count(*) FROM batches"),
            (int)Count("SELECT (SELECT count(*) FROM rejected_batches) + (SELECT count(*) FROM rejected_items)"),
            (int)Count("SELECT count(*) FROM damaged_items"),
            Time(State("last_success_utc")),
            Time(State("last_error_utc")),
            State("last_error"))
        {
            SendAgainPending = Count("SELECT count(*) FROM sqlite_master WHERE name = 'resend_sources'") == 0
                ? 0 : (int)Count("SELECT count(*) FROM resend_sources"),
        };
    }

    /// <summary>Waits until something is enqueued (true) or the time is up (false), whichever comes first.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _enqueued.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _enqueued.Dispose();
        _ledger.Dispose();
    }

    internal static byte[] Checksum(byte[] payload) => SHA256.HashData(payload).AsSpan(0, 8).ToArray();

    internal static void CreateSchema(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS items (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                kind INTEGER NOT NULL,
                payload BLOB NOT NULL,
                checksum BLOB NOT NULL,
                batch_id TEXT,
                created_utc TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS items_by_batch ON items (batch_id);
            CREATE TABLE IF NOT EXISTS batches (
                batch_id TEXT PRIMARY KEY,
                created_utc TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS rejected_batches (
                batch_id TEXT PRIMARY KEY,
                rejected_utc TEXT NOT NULL,
                reason TEXT NOT NULL,
                payload BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS rejected_items (
                seq INTEGER PRIMARY KEY,
                batch_id TEXT NOT NULL,
                rejected_utc TEXT NOT NULL,
                reason TEXT NOT NULL,
                kind INTEGER NOT NULL,
                payload BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS damaged_items (
                seq INTEGER,
                found_utc TEXT NOT NULL,
                reason TEXT NOT NULL,
                payload BLOB
            );
            CREATE TABLE IF NOT EXISTS imported_sources (
                source_key TEXT PRIMARY KEY,
                source_name TEXT NOT NULL,
                imported_utc TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS state (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS file_checkpoints (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                device INTEGER NOT NULL,
                inode INTEGER NOT NULL,
                path TEXT NOT NULL,
                name TEXT NOT NULL,
                head_length INTEGER NOT NULL,
                head_sha BLOB NOT NULL,
                read_offset INTEGER NOT NULL,
                read_line INTEGER NOT NULL,
                resume_offset INTEGER NOT NULL,
                resume_line INTEGER NOT NULL,
                before_sha BLOB NOT NULL,
                length INTEGER NOT NULL,
                modified_ticks INTEGER NOT NULL,
                header TEXT,
                taken INTEGER NOT NULL,
                updated_utc TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS resend_sources (
                source_key TEXT PRIMARY KEY,
                reason TEXT NOT NULL,
                requested_utc TEXT NOT NULL
            );
            """ + ServiceEventsTable;
        command.ExecuteNonQuery();
        // Added later: the source of each item (ledger, and sending a damaged item again from its file).
        command.CommandText = "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'source_key'";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = "ALTER TABLE items ADD COLUMN source_key TEXT";
            command.ExecuteNonQuery();
        }
    }

    internal static bool TryAdd(UploadBatchRequest request, OutboxItemKind kind, byte[] payload)
    {
        try
        {
            switch (kind)
            {
                case OutboxItemKind.Receipt: request.Receipts.Add(Receipt.Parser.ParseFrom(payload)); return true;
                case OutboxItemKind.DailyTotal: request.DailyTotals.Add(DailyTotal.Parser.ParseFrom(payload)); return true;
                case OutboxItemKind.HomeDelivery: request.HomeDeliveries.Add(HomeDelivery.Parser.ParseFrom(payload)); return true;
                case OutboxItemKind.ServiceVolume: request.ServiceVolumes.Add(ServiceVolume.Parser.ParseFrom(payload)); return true;
                default: return false;
            }
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static void SetDamaged(SqliteConnection connection, SqliteTransaction transaction, long seq, byte[] payload, string? source, string reason)
    {
        if (source is not null && !source.StartsWith(PosSourcePrefix, StringComparison.Ordinal))
        {
            // Its file may still be in "behandlade": the folder source sends it again from there.
            using var resend = Command(connection, "INSERT OR IGNORE INTO resend_sources (source_key, reason, requested_utc) VALUES ($key, 'damaged item', $at)",
                ("$key", source), ("$at", Now()));
            resend.Transaction = transaction;
            resend.ExecuteNonQuery();
        }

        foreach (var (sql, withPayload) in new[]
        {
            ("INSERT INTO damaged_items (seq, found_utc, reason, payload) VALUES ($seq, $at, $reason, $payload)", true),
            ("DELETE FROM items WHERE seq = $seq", false),
        })
        {
            using var command = Command(connection, sql, ("$seq", seq));
            command.Transaction = transaction;
            if (withPayload)
            {
                command.Parameters.AddWithValue("$at", Now());
                command.Parameters.AddWithValue("$reason", reason);
                command.Parameters.AddWithValue("$payload", payload);
            }

            command.ExecuteNonQuery();
        }
    }

    private static void SetState(SqliteConnection connection, SqliteTransaction transaction, string key, string value)
    {
        using var command = Command(connection, "INSERT OR REPLACE INTO state (key, value) VALUES ($key, $value)", ("$key", key), ("$value", value));
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var full = connection.CreateCommand();
        // FULL: a commit is on disk before Commit() returns, WAL or not.
        full.CommandText = "PRAGMA synchronous=FULL;" + SqliteCache.Pragma;
        full.ExecuteNonQuery();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
