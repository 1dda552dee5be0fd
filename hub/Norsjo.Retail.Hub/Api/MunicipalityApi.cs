using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// The municipality's figures (its staff and admins). Every figure passes through
/// <see cref="MunicipalFigures"/> (Disclosure/): whole settled months, the disclosure rule on every
/// cell, no single store's turnover unless it consents. Months are YYYY-MM, by default the last 12.
/// </summary>
public static class MunicipalityApi
{
    public static RouteGroupBuilder MapMunicipalityApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var municipality = api.MapGroup("/municipality").RequireAuthorization("municipality").WithTags("Kommunen");
        municipality.MapGet("/stores", GetStores).WithName(nameof(GetStores)).WithSummary("The stores in the registry: names and villages, no figures");
        municipality.MapIndexBasis();
        municipality.MapGet("/index/years/{year:int}", GetIndexYear).WithName(nameof(GetIndexYear))
            .WithSummary("Försäljningsindex for a calendar year (this year annualised from the settled months so far); figures held back say why");
        municipality.MapGet("/index/rolling", GetIndexRolling).WithName(nameof(GetIndexRolling))
            .WithSummary("Rolling 12-month index, one value per month end (from/to as YYYY-MM); complete only once every month in it has ended and settled; figures held back say why");
        municipality.MapGet("/villages", GetVillages).WithName(nameof(GetVillages))
            .WithSummary("Each group of stores (a village, or small villages merged), each store that shares its figures, each estimate");
        municipality.MapGet("/cash-share", GetCashShare).WithName(nameof(GetCashShare))
            .WithSummary("Cash share per whole month (from/to as YYYY-MM), all stores; months that fail the rule held back");
        municipality.MapGet("/deliveries", GetMunicipalDeliveries).WithName(nameof(GetMunicipalDeliveries))
            .WithSummary("Home deliveries per locality for one whole month (month=YYYY-MM); localities that fail the rule merged into Övriga orter");
        municipality.MapGet("/freshness", GetFreshness).WithName(nameof(GetFreshness)).WithSummary("When each store's agent last delivered (no sales figures)");
        municipality.MapGet("/index/outlook", GetOutlook).WithName(nameof(GetOutlook)).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("This year's index outlook from the weekly job: expected, 10–90 % range, chance of reaching the target");
        municipality.MapGet("/silent-agents", GetSilentAgents).WithName(nameof(GetSilentAgents))
            .WithSummary("The latest hourly check: stores open now whose agent has sent nothing for a while");
        municipality.MapGet("/forecast", GetMunicipalForecast).WithName(nameof(GetMunicipalForecast))
            .WithSummary("The latest nightly 8-week forecast of all stores' sales together, per week; held back where it would show actual sales");
        return municipality;
    }

    public static Ok<List<StoreInfo>> GetStores(StoreRegistry registry) => TypedResults.Ok(registry.Stores.Select(StoreInfo.Of).ToList());

    public static async Task<Ok<PublishedIndexPeriod>> GetIndexYear(int year, SalesIndexService index, MunicipalFigures figures, CancellationToken ct) =>
        TypedResults.Ok(IndexBasisApi.Honest(await figures.YearAsync(ApiRequest.Year(year, index.CurrentMonth), ct).ConfigureAwait(false), figures.LastSettledMonth));

    public static async Task<Ok<List<PublishedIndexPeriod>>> GetIndexRolling(string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct)
    {
        var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
        return TypedResults.Ok((await figures.RollingAsync(f, t, ct).ConfigureAwait(false)).Select(p => IndexBasisApi.Honest(p, figures.LastSettledMonth)).ToList());
    }

    public static async Task<Ok<PublishedVillageReport>> GetVillages(string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct)
    {
        var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
        return TypedResults.Ok(await figures.VillagesAsync(f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<IReadOnlyList<PublishedCashMonth>>> GetCashShare(string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct)
    {
        var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
        return TypedResults.Ok(await figures.CashShareAsync(f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<PublishedDeliveries>> GetMunicipalDeliveries(
        string? month, string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct)
    {
        if (from is not null || to is not null)
        {
            throw new BadApiRequestException("the municipality sees home deliveries per whole month: give month=YYYY-MM, not from/to.");
        }

        return TypedResults.Ok(await figures.DeliveriesAsync(ApiRequest.Month(month ?? $"{index.CurrentMonth.AddMonths(-1):yyyy-MM}", index.CurrentMonth), ct).ConfigureAwait(false));
    }

    public static async Task<Ok<IReadOnlyList<Freshness>>> GetFreshness(StoreAnalytics analytics, StoreRegistry registry, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await analytics.FreshnessAsync(null, registry.Stores.Where(s => s.Reports).Select(s => s.Id), time.GetUtcNow(), ct).ConfigureAwait(false));

    public static async Task<Results<Ok<PublishedOutlook>, ProblemHttpResult>> GetOutlook(MunicipalFigures figures, SalesIndexService index, CancellationToken ct) =>
        await figures.OutlookAsync(index.CurrentMonth.Year, ct).ConfigureAwait(false) is { } latest
            ? TypedResults.Ok(latest)
            : TypedResults.Problem("Ingen prognos för index ännu: den görs varje vecka.", statusCode: StatusCodes.Status404NotFound);

    public static async Task<Ok<IReadOnlyList<SilentAgent>>> GetSilentAgents(SilentAgents agents, CancellationToken ct) =>
        TypedResults.Ok(await agents.LatestAsync(ct).ConfigureAwait(false));

    public static async Task<Ok<ForecastRun.ForecastView>> GetMunicipalForecast(MunicipalFigures figures, CancellationToken ct) =>
        TypedResults.Ok(await figures.ForecastAsync(ct).ConfigureAwait(false));
}
