using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.ServicePoints;
using Norsjo.Retail.Hub.Tenancy;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// One municipality as the region sees it: its name and target, its rolling index (index, coverage,
/// growth, each period shown or held back with the reason) and its service watch — each exactly the
/// answer the municipality's own staff get from /api/municipality/index/rolling and /service-watch,
/// made by the same handlers with the municipality's own services, so the region sees nothing a
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

    public static async Task<Ok<List<RegionalMunicipality>>> GetMunicipalities(string? from, string? to, Municipalities municipalities, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(municipalities);
        var side = new List<RegionalMunicipality>();
        foreach (var municipality in municipalities.All)
        {
            var registry = municipality.GetRequiredService<StoreRegistry>();
            var rolling = await MunicipalityApi.GetIndexRolling(
                from, to, municipality.GetRequiredService<SalesIndexService>(), municipality.GetRequiredService<MunicipalFigures>(), ct).ConfigureAwait(false);
            var watch = await ServicePointApi.Watch(null, municipality.GetRequiredService<ServicePointStore>(), municipality.Facts, ct).ConfigureAwait(false);
            side.Add(new RegionalMunicipality(municipality.Municipality.Id, registry.Municipality, registry.IndexTarget, rolling.Value!, watch.Value!));
        }

        return TypedResults.Ok(side);
    }
}
