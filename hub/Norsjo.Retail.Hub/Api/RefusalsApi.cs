using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Subsidy;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// What the hub refused at ingest and which home deliveries earned no subsidy, and why. A store's
/// refusals are its owner's and the admin's (they describe its receipts); the municipality sees
/// the not-approved deliveries, as it sees the statements, and no refusal counts: a count of refused
/// receipts is a glimpse of the store's trade.
/// </summary>
public static class RefusalsApi
{
    public static RouteGroupBuilder MapRefusalsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/stores/{storeId}/refusals", GetStoreRefusals).WithName(nameof(GetStoreRefusals))
            .WithTags("Butik")
            .WithSummary($"What the hub refused of the store's batches, newest first (at most {IngestRefusals.MaxListed}): item, date, field and reason");
        api.MapGet("/stores/{storeId}/subsidy/not-approved", GetNotApproved).WithName(nameof(GetNotApproved))
            .WithTags("Hemsändningsbidrag")
            .WithSummary("Home deliveries that earned no subsidy in the months (from/to as YYYY-MM, by default the last 12), and why: not approved, or refused by the hub");
        api.MapGet("/admin/refusals", GetRefusalCounts).WithName(nameof(GetRefusalCounts))
            .RequireAuthorization("admin").WithTags("Admin")
            .WithSummary("Per store, how many receipts, home deliveries, daily totals and whole batches the hub refused, and when it last did");
        return api;
    }

    public static async Task<Ok<StoreRefusals>> GetStoreRefusals(string storeId, ClaimsPrincipal user, StoreRegistry registry, IngestRefusals refusals, CancellationToken ct) =>
        TypedResults.Ok(await refusals.ForStoreAsync(ApiRequest.Store(user, storeId, registry), ct).ConfigureAwait(false));

    public static async Task<Ok<NotApprovedReport>> GetNotApproved(
        string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, NotApprovedDeliveries deliveries, SalesIndexService index, CancellationToken ct)
    {
        var id = ApiRequest.SubsidyStore(user, storeId, registry);
        var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
        if (t.AddMonths(-12) >= f)
        {
            throw new BadApiRequestException("at most 12 months at a time (from/to as YYYY-MM).");
        }

        return TypedResults.Ok(await deliveries.ForStoreAsync(id, f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<IReadOnlyList<RefusalCount>>> GetRefusalCounts(StoreRegistry registry, IngestRefusals refusals, CancellationToken ct) =>
        TypedResults.Ok(await refusals.CountsAsync(registry.Stores.Select(s => s.Id), ct).ConfigureAwait(false));
}
