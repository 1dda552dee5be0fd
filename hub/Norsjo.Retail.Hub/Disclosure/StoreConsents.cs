using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>One entry of a store's consent history: the owner <see cref="By"/> gave (or revoked) consent to share the shop's figures with the municipality.</summary>
public sealed record ConsentEvent(string StoreId, bool Given, string By, DateTimeOffset At);

/// <summary>
/// Store owners' consents as an append-only history: nothing is changed or removed, the latest
/// entry per store is what holds. Behind an interface so it can move to the operational store.
/// </summary>
public interface IStoreConsents
{
    Task RecordAsync(ConsentEvent consent, CancellationToken cancellationToken);

    Task<IReadOnlyList<ConsentEvent>> HistoryAsync(string storeId, CancellationToken cancellationToken);

    /// <summary>The latest entry of every store that has one.</summary>
    Task<IReadOnlyDictionary<string, ConsentEvent>> LatestAsync(CancellationToken cancellationToken);
}

/// <summary>The consent log in ClickHouse (store_consents, one row per event, never updated); the latest by argMax over time.</summary>
public sealed class ClickHouseStoreConsents(ClickHouseStorage storage) : IStoreConsents
{
    private sealed record Row(string StoreId, int Given, string By, long AtMs);

    public Task RecordAsync(ConsentEvent consent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var at = consent.At.ToUnixTimeMilliseconds();
        var row = new TabSeparatedRows().Row(consent.StoreId, at, consent.Given ? 1 : 0, consent.By, at);
        return storage.Database.InsertAsync("store_consents", ["store_id", "at_ms", "given", "given_by", "version"], row, cancellationToken);
    }

    public async Task<IReadOnlyList<ConsentEvent>> HistoryAsync(string storeId, CancellationToken cancellationToken) =>
        (await storage.Database.QueryAsync<Row>(
            $"SELECT store_id AS StoreId, toInt32(given) AS Given, given_by AS By, at_ms AS AtMs FROM store_consents FINAL WHERE store_id = {SqlLiteral.Text(storeId)} ORDER BY at_ms DESC",
            cancellationToken).ConfigureAwait(false)).Select(Event).ToList();

    public async Task<IReadOnlyDictionary<string, ConsentEvent>> LatestAsync(CancellationToken cancellationToken) =>
        (await storage.Database.QueryAsync<Row>(
            "SELECT store_id AS StoreId, toInt32(argMax(given, at_ms)) AS Given, argMax(given_by, at_ms) AS By, max(at_ms) AS AtMs FROM store_consents FINAL GROUP BY store_id",
            cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.StoreId, Event, StringComparer.Ordinal);

    private static ConsentEvent Event(Row r) => new(r.StoreId, r.Given == 1, r.By, DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs));

    /// <summary>How a consent reads on both pages.</summary>
    public static string Describe(ConsentEvent consent)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var when = Time.SwedishTime.Text(consent.At);
        return consent.Given ? $"Samtycke gett av {consent.By} {when}" : $"Samtycke återkallat av {consent.By} {when}";
    }
}
