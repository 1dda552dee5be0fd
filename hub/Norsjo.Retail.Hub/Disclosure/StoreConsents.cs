using Dapper;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>One entry of a store's consent history: the owner <see cref="By"/> gave (or revoked) consent to share the shop's figures with the municipality.</summary>
public sealed record ConsentEvent(string StoreId, bool Given, string By, DateTimeOffset At)
{
    /// <summary>How a consent reads on both pages.</summary>
    public string Describe()
    {
        var when = Time.SwedishTime.Text(At);
        return Given ? $"Samtycke gett av {By} {when}" : $"Samtycke återkallat av {By} {when}";
    }
}

/// <summary>
/// Store owners' consents as an append-only history: nothing is changed or removed, the latest
/// entry per store is what holds.
/// </summary>
public interface IStoreConsents
{
    Task RecordAsync(ConsentEvent consent, CancellationToken cancellationToken);

    Task<IReadOnlyList<ConsentEvent>> HistoryAsync(string storeId, CancellationToken cancellationToken);

    /// <summary>The latest entry of every store that has one.</summary>
    Task<IReadOnlyDictionary<string, ConsentEvent>> LatestAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The consent log in the operational store (store_consents): a consent is operational data that
/// every hub of the deployment must see at once and in one order, which ClickHouse cannot promise.
/// An entry is written in the store's exclusive transaction, at a time strictly after the store's
/// latest entry, so two changes in one millisecond (or from two hubs) keep their order.
/// </summary>
public sealed class OperationalStoreConsents(OperationalStore store) : IStoreConsents
{
    private sealed class Row
    {
        public string StoreId { get; set; } = string.Empty;

        public long Given { get; set; }

        public string GivenBy { get; set; } = string.Empty;

        public long AtUnixMs { get; set; }
    }

    public Task RecordAsync(ConsentEvent consent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consent);
        return store.ExclusiveAsync(async (connection, transaction) =>
        {
            var latest = await connection.ExecuteScalarAsync<long?>(
                "SELECT CAST(max(at_unix_ms) AS BIGINT) FROM store_consents WHERE store_id = @StoreId", new { consent.StoreId }, transaction).ConfigureAwait(false);
            var at = Math.Max(consent.At.ToUnixTimeMilliseconds(), (latest ?? long.MinValue) + 1);
            return await connection.ExecuteAsync(
                "INSERT INTO store_consents (store_id, given, given_by, at_unix_ms) VALUES (@StoreId, @Given, @By, @At)",
                new { consent.StoreId, Given = consent.Given ? 1 : 0, consent.By, At = at }, transaction).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ConsentEvent>> HistoryAsync(string storeId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(
            "SELECT store_id AS StoreId, given AS Given, given_by AS GivenBy, at_unix_ms AS AtUnixMs FROM store_consents WHERE store_id = @StoreId ORDER BY at_unix_ms DESC",
            new { StoreId = storeId }).ConfigureAwait(false);
        return rows.Select(Event).ToList();
    }

    public async Task<IReadOnlyDictionary<string, ConsentEvent>> LatestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>("""
            SELECT c.store_id AS StoreId, c.given AS Given, c.given_by AS GivenBy, c.at_unix_ms AS AtUnixMs
            FROM store_consents c
            JOIN (SELECT store_id, max(at_unix_ms) AS at_unix_ms FROM store_consents GROUP BY store_id) latest
              ON latest.store_id = c.store_id AND latest.at_unix_ms = c.at_unix_ms
            """).ConfigureAwait(false);
        return rows.ToDictionary(r => r.StoreId, Event, StringComparer.Ordinal);
    }

    private static ConsentEvent Event(Row r) => new(r.StoreId, r.Given == 1, r.GivenBy, DateTimeOffset.FromUnixTimeMilliseconds(r.AtUnixMs));
}

/// <summary>
/// Hubs before the operational store kept the consent log in ClickHouse (store_consents). At the
/// first start after the upgrade its rows are copied into the operational store once, in one
/// transaction recorded as a step, so two hubs starting together copy once; the ClickHouse table
/// is left as it was.
/// </summary>
public sealed partial class ConsentImport(OperationalStore store, ClickHouseStorage clickHouse, ILogger<ConsentImport> logger) : IHostedService
{
    private sealed record OldRow(string StoreId, long AtMs, int Given, string By);

    public Task StartAsync(CancellationToken cancellationToken) => store.ExclusiveAsync(async (connection, transaction) =>
    {
        if (await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM operational_migrations WHERE version = @Version",
            new { Version = OperationalSchema.ConsentImportVersion }, transaction).ConfigureAwait(false) > 0)
        {
            return false;
        }

        var rows = await clickHouse.Database.QueryAsync<OldRow>(
            "SELECT store_id AS StoreId, at_ms AS AtMs, toInt32(given) AS Given, given_by AS By FROM store_consents FINAL",
            cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO store_consents (store_id, given, given_by, at_unix_ms) VALUES (@StoreId, @Given, @By, @AtMs) ON CONFLICT DO NOTHING",
            rows, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO operational_migrations (version, name, applied_unix_ms) VALUES (@Version, 'consents copied from ClickHouse', @Now)",
            new { Version = OperationalSchema.ConsentImportVersion, Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction).ConfigureAwait(false);
        LogImported(logger, rows.Count);
        return true;
    }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Count} consent entries from ClickHouse into the operational store")]
    private static partial void LogImported(ILogger logger, int count);
}
