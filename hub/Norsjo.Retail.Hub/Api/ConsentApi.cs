using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Api;

/// <summary>The body of a consent change: true gives consent to share the shop's figures with the municipality, false revokes it.</summary>
public sealed record ConsentChange(bool Given);

/// <summary>
/// A store owner's consent to share the shop's figures with the municipality: given or revoked on
/// the owner's page, recorded with who and when, in effect at once (every municipal figure reads
/// the latest consents), and shown to both sides.
/// </summary>
public static class ConsentApi
{
    public static void MapConsentApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var store = api.MapGroup("/stores/{storeId}/consent").WithTags("Samtycke");
        store.MapGet("/", GetConsent).WithName(nameof(GetConsent))
            .WithSummary("The store's consent to share its figures with the municipality, with its history");
        store.MapPost("/", ChangeConsent).WithName(nameof(ChangeConsent))
            .WithSummary("Give (given: true) or revoke (given: false) the consent; only the store's owner");
        api.MapGroup("/municipality").RequireAuthorization("municipality").WithTags("Kommunen")
            .MapGet("/consents", GetConsents).WithName(nameof(GetConsents))
            .WithSummary("Every store's consent to share its figures, with who gave it and when");
    }

    public static async Task<Ok<ConsentView>> GetConsent(string storeId, ClaimsPrincipal user, StoreRegistry registry, MunicipalFigures figures, IStoreConsents consents, CancellationToken ct) =>
        TypedResults.Ok(await ViewAsync(registry.Find(ApiRequest.Store(user, storeId, registry))!, figures, consents, ct).ConfigureAwait(false));

    public static async Task<Ok<ConsentView>> ChangeConsent(
        string storeId, ConsentChange change, ClaimsPrincipal user, StoreRegistry registry, MunicipalFigures figures, IStoreConsents consents, PublishedTable table, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var id = ApiRequest.Store(user, storeId, registry);
        if (!user.IsInRole(UserStore.RoleName(UserRole.StoreOwner)))
        {
            throw new ForbiddenApiRequestException("Bara butikens ägare kan ge eller återkalla samtycket.");
        }

        if (!registry.Find(id)!.Reports)
        {
            throw new BadApiRequestException($"'{id}' has no agent: the municipality sees only its registry estimate.");
        }

        await consents.RecordAsync(new ConsentEvent(id, change.Given, user.Identity?.Name ?? "okänd", time.GetUtcNow()), ct).ConfigureAwait(false);
        await table.PublishAsync(ct).ConfigureAwait(false); // Grafana's figures follow the consent at once too

        return TypedResults.Ok(await ViewAsync(registry.Find(id)!, figures, consents, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<List<ConsentView>>> GetConsents(StoreRegistry registry, MunicipalFigures figures, IStoreConsents consents, CancellationToken ct)
    {
        var plan = await figures.PlanAsync(ct).ConfigureAwait(false);
        var views = new List<ConsentView>();
        foreach (var store in registry.Stores.Where(s => s.Reports))
        {
            views.Add(await ViewAsync(store, figures, consents, ct, plan).ConfigureAwait(false));
        }

        return TypedResults.Ok(views);
    }

    private static async Task<ConsentView> ViewAsync(Store store, MunicipalFigures figures, IStoreConsents consents, CancellationToken ct, DisclosurePlan? known = null)
    {
        var plan = known ?? await figures.PlanAsync(ct).ConfigureAwait(false);
        var history = await consents.HistoryAsync(store.Id, ct).ConfigureAwait(false);
        var latest = history.Count > 0 ? history[0] : null;
        var effective = plan.Shared.ContainsKey(store.Id);
        var note = latest switch
        {
            null => "Inget samtycke: butikens siffror visas för kommunen bara tillsammans med andra butikers.",
            { Given: true } when effective => $"{latest.Describe()}. Kommunen ser butikens omsättning per hel månad, i orten {store.Village}, från den första månad som publiceras efter samtycket (en redan publicerad månad ändras inte).",
            { Given: true } => $"{latest.Describe()}, men det gäller först när minst {figures.Options.MinimumStores} andra butiker utan samtycke finns kvar i gruppen ({plan.GroupOf(store.Id)?.Label}). Tills dess visas butiken bara tillsammans med andra.",
            _ => $"{latest.Describe()}. Butikens siffror visas för kommunen bara tillsammans med andra butikers.",
        };
        return new ConsentView(store.Id, store.Name, store.Village, latest?.Given ?? false, effective, latest?.By, latest?.At, note, history);
    }
}
