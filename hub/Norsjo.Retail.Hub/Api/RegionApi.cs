using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.ServicePoints;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Tenancy;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// One municipality as the region sees it: its name and target, its rolling index (index, coverage,
/// growth, each period shown or held back with the reason) and its service watch — each exactly the
/// answer the municipality's own staff get from /api/municipality/index/rolling and /service-watch,
/// made by the same code with the municipality's own services, so the region sees nothing a
/// municipality user could not see of it.
/// </summary>
public sealed record RegionalMunicipality(string Id, string Name, decimal Target, IReadOnlyList<PublishedIndexPeriod> Rolling, ServiceWatchView ServiceWatch);

/// <summary>The regional role (issue 20): every municipality on the hub side by side, under the same disclosure rules.</summary>
public static class RegionApi
{
    public const string Policy = "region";

    public static RouteGroupBuilder MapRegionApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGroup("/region").RequireAuthorization(Policy).WithTags("Regionen")
            .MapGet("/municipalities", GetMunicipalities).WithName(nameof(GetMunicipalities))
            .WithSummary("Every municipality's rolling 12-month index (from/to as YYYY-MM, as /municipality/index/rolling), coverage, growth and service watch, side by side; held back where the municipality's own page holds it back");
        return api;
    }

    /// <remarks>
    /// One read of each kind for all municipalities, not each municipality's reads one after the
    /// other (290 municipalities: seconds): the consents, every municipality's published months and
    /// places, and the stored turnover of all their stores for the months not yet published; then
    /// each municipality's answer is made from its share by its own <see cref="MunicipalFigures"/>,
    /// side by side on the cores. A month not yet published that can now be is published by its
    /// municipality's own read, as on its staff's first call.
    /// </remarks>
    /// Each municipality's part is made again only when what it is made from changed (<see cref="RegionalParts"/>).
    public static async Task<Ok<List<RegionalMunicipality>>> GetMunicipalities(
        string? from, string? to, Municipalities municipalities, OperationalStore store, IStoreConsents consents, ClickHouseStorage storage, RegionalParts parts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(municipalities);
        var all = municipalities.All;
        var figures = all.Select(m => m.GetRequiredService<MunicipalFigures>()).ToList();
        var (f, t) = ApiRequest.Months(from, to, all[0].GetRequiredService<SalesIndexService>().CurrentMonth);
        var read = await ReadAsync(all, figures, f, t, store, consents, storage, ct).ConfigureAwait(false);
        var places = await ServicePointStore.HistoriesAsync(store, null, ct).ConfigureAwait(false);
        var consentGeneration = parts.ConsentGeneration(read.Consents);
        var side = new RegionalMunicipality[all.Count];
        var inputs = new RegionalParts.Inputs?[all.Count];
        var stale = new List<int>();
        for (var i = 0; i < all.Count; i++)
        {
            var municipality = all[i];
            var id = municipality.Municipality.Id;
            inputs[i] = RegionalParts.InputsOf(figures[i], municipality.GetRequiredService<MonthlyTurnover>(), municipality.Facts.Current, id, f, t, read, consentGeneration, places[id]);
            if (parts.Kept(id, inputs[i]) is { } kept)
            {
                side[i] = kept;
            }
            else
            {
                stale.Add(i);
            }
        }

        await Parallel.ForEachAsync(stale, ct, async (i, token) =>
        {
            var municipality = all[i];
            var registry = municipality.GetRequiredService<StoreRegistry>();
            var rolling = (await figures[i].RollingAsync(f, t, read, token).ConfigureAwait(false)).Select(p => IndexBasisApi.Honest(p, figures[i].LastSettledMonth)).ToList();
            var watch = ServicePointApi.WatchOf(null, [.. places[municipality.Municipality.Id]], municipality.Facts);
            side[i] = new RegionalMunicipality(municipality.Municipality.Id, registry.Municipality, registry.IndexTarget, rolling, watch);
            parts.Keep(municipality.Municipality.Id, inputs[i], side[i]);
        }).ConfigureAwait(false);
        return TypedResults.Ok(side.ToList());
    }

    /// <summary>
    /// What every municipality's rolling index from <paramref name="firstEnd"/> to <paramref name="lastEnd"/> reads, in one statement of each kind.
    /// The months not published are read for every store on the hub (each municipality then takes its own stores' rows, <see cref="MonthlyTurnover.Own"/>).
    /// </summary>
    internal static async Task<RegionalRead> ReadAsync(
        IReadOnlyList<MunicipalityServices> all, List<MunicipalFigures> figures, DateOnly firstEnd, DateOnly lastEnd,
        OperationalStore store, IStoreConsents consents, ClickHouseStorage storage, CancellationToken ct)
    {
        var settled = figures[0].LastSettledMonth;
        var earliest = figures.Min(m => m.RollingFrom(firstEnd));
        var liveFrom = figures.Min(m => m.RollingFrom(firstEnd) is var start && start > settled ? start : settled.AddMonths(1));
        var versions = earliest <= settled
            ? await PublishedMonths.VersionsAsync(store, earliest, lastEnd < settled ? lastEnd : settled, null, ct).ConfigureAwait(false)
            : new Dictionary<string, IReadOnlyDictionary<DateOnly, int>>();
        var stores = all.Select(m => m.GetRequiredService<MonthlyTurnover>().StoresOf(lastEnd)).ToList();
        var live = liveFrom <= lastEnd
            ? await storage.Database.QueryAsync<TurnoverMonths.Row>(TurnoverMonths.Sql(liveFrom, lastEnd, null), ct).ConfigureAwait(false)
            : [];

        // The settled months not published (nothing of them could be shown yet), per municipality: their stores' stored turnover,
        // and the prints of their other parts (any of which can make such a month showable), one statement each, side by side.
        var held = Enumerable.Range(0, all.Count)
            .Select(i => (Stores: stores[i], Missing: RegionalParts.HeldMonths(figures[i], versions.GetValueOrDefault(all[i].Municipality.Id), firstEnd, lastEnd)))
            .Where(m => m.Missing.Count > 0).ToList();
        var heldFrom = held.Count > 0 ? held.Min(m => m.Missing[0]) : default;
        IReadOnlyList<TurnoverMonths.Row> heldRows = [];
        IReadOnlyList<MonthPrints.Row> heldPrints = [];
        if (held.Count > 0)
        {
            var (heldTo, heldStores) = (held.Max(m => m.Missing[^1]), held.SelectMany(m => m.Stores).ToList());
            var turnover = storage.Database.QueryAsync<TurnoverMonths.Row>(TurnoverMonths.Sql(heldFrom, heldTo, heldStores), ct);
            var prints = storage.Database.QueryAsync<MonthPrints.Row>(MonthPrints.Sql(heldFrom, heldTo, heldStores), ct);
            (heldRows, heldPrints) = (await turnover.ConfigureAwait(false), await prints.ConfigureAwait(false));
        }

        return new RegionalRead(await consents.LatestAsync(ct).ConfigureAwait(false), versions, live.ToLookup(r => r.StoreId, StringComparer.Ordinal), liveFrom,
            heldRows.ToLookup(r => r.StoreId, StringComparer.Ordinal), heldFrom, heldPrints.ToLookup(r => r.StoreId, StringComparer.Ordinal));
    }
}
