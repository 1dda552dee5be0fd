using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Norsjo.Retail.Hub.Operational;

/// <summary>
/// The hub's transactional store for what must change atomically — users, sessions, store
/// credentials, enrollment codes, the data-protection key ring — which ClickHouse (no transactions,
/// eventual replacement) cannot give. A SQLite file by default, PostgreSQL when several hubs run.
/// The schema is brought up to date before the first connection is handed out.
/// </summary>
public sealed partial class OperationalStore
{
    private readonly string _connectionString;
    private readonly ILogger<OperationalStore> _logger;
    private readonly Lock _migrating = new();
    private bool _migrated;

    public OperationalStore(IOptions<OperationalOptions> options, ILogger<OperationalStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.PostgreSql))
        {
            Dialect = OperationalDialect.PostgreSql;
            _connectionString = settings.PostgreSql;
            Where = "PostgreSQL";
        }
        else
        {
            Dialect = OperationalDialect.Sqlite;
            var path = Path.GetFullPath(settings.SqlitePath); // like the other data-folder settings: relative to the working directory
            PrepareFile(path);
            _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();
            Where = path;
        }
    }

    public OperationalDialect Dialect { get; }

    /// <summary>The SQLite file, or "PostgreSQL" (never the connection string: it may hold a password).</summary>
    public string Where { get; }

    /// <summary>An open connection to an up-to-date store.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        EnsureMigrated();
        var connection = NewConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The same, for callers that cannot wait asynchronously (the data-protection key ring).</summary>
    public DbConnection Open()
    {
        EnsureMigrated();
        var connection = NewConnection();
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the work in one transaction that no other hub's runs beside (an advisory lock on
    /// PostgreSQL, BEGIN IMMEDIATE on SQLite); the work sees what an earlier holder committed.
    /// </summary>
    public async Task<T> ExclusiveAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, transaction).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Applies the numbered steps not yet applied, once per process; safe when several hubs start together.</summary>
    public void EnsureMigrated()
    {
        lock (_migrating)
        {
            if (_migrated)
            {
                return;
            }

            using var connection = NewConnection();
            connection.Open();
            if (Dialect == OperationalDialect.Sqlite)
            {
                // WAL: readers never wait for the writer; several hub processes may share the file.
                connection.Execute("PRAGMA journal_mode=WAL");
            }

            using var transaction = connection.BeginTransaction();
            LockAsync(connection, transaction).GetAwaiter().GetResult();
            connection.Execute(
                "CREATE TABLE IF NOT EXISTS operational_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_unix_ms BIGINT NOT NULL)",
                transaction: transaction);
            var applied = connection.Query<int>("SELECT version FROM operational_migrations", transaction: transaction).ToHashSet();
            foreach (var step in OperationalSchema.Steps.Where(s => !applied.Contains(s.Version)))
            {
                foreach (var statement in step.Statements(Dialect))
                {
                    connection.Execute(statement, transaction: transaction);
                }

                connection.Execute("INSERT INTO operational_migrations (version, name, applied_unix_ms) VALUES (@Version, @Name, @Now)",
                    new { step.Version, step.Name, Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
                LogStep(_logger, step.Version, step.Name);
            }

            transaction.Commit();
            _migrated = true;
        }
    }

    private Task LockAsync(DbConnection connection, DbTransaction transaction) =>
        Dialect == OperationalDialect.PostgreSql
            ? connection.ExecuteAsync("SELECT pg_advisory_xact_lock(7314023)", transaction: transaction)
            : Task.CompletedTask; // SQLite: the transaction itself is BEGIN IMMEDIATE, one writer at a time

    private DbConnection NewConnection() => Dialect == OperationalDialect.PostgreSql
        ? new NpgsqlConnection(_connectionString)
        : new SqliteConnection(_connectionString);

    /// <summary>The file holds password hashes and the key ring: readable by the hub's user only.</summary>
    private static void PrepareFile(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        if (!File.Exists(path) && !OperatingSystem.IsWindows())
        {
            try
            {
                using var _ = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (File.Exists(path))
            {
                // another hub process made it first
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operational store: applied step {Version} ({Name})")]
    private static partial void LogStep(ILogger logger, int version, string name);
}
