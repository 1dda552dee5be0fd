using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// A store owner's figures (an admin's too): the store's own trend, hours, baskets, payments,
/// categories, returns, home deliveries, forecast and freshness. Every handler checks the caller's
/// access to the store first (<see cref="ApiRequest.Store"/>); a date range is YYYY-MM-DD, by default the last 30 days.
/// </summary>
public static class StoreApi
{
    public static RouteGroupBuilder MapStoreApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var store = api.MapGroup("/stores/{storeId}").WithTags("Butik");
        store.MapGet("/", GetStore).WithName(nameof(GetStore)).WithSummary("The store's name and village");
        store.MapGet("/trend", GetTrend).WithName(nameof(GetTrend))
            .WithSummary("Sales per day, week or month with the same period last year (same weekday for days and weeks)");
        store.MapGet("/hours", GetHours).WithName(nameof(GetHours)).WithSummary("Receipts and sales per hour of day × weekday (1 = Monday)");
        store.MapGet("/baskets", GetBaskets).WithName(nameof(GetBaskets)).WithSummary("Average basket and the distribution of basket sizes");
        store.MapGet("/payments", GetPayments).WithName(nameof(GetPayments)).WithSummary("Payment mix and cash share");
        store.MapGet("/categories", GetCategories).WithName(nameof(GetCategories)).WithSummary("Sales, VAT, quantity and returns per category");
        store.MapGet("/returns", GetReturns).WithName(nameof(GetReturns)).WithSummary("Returned goods per month and their share of sales");
        store.MapGet("/deliveries", GetStoreDeliveries).WithName(nameof(GetStoreDeliveries)).WithSummary("Home deliveries per locality");
        store.MapGet("/forecast", GetStoreForecast).WithName(nameof(GetStoreForecast))
            .WithSummary("The latest nightly 8-week forecast of the store's daily sales, with its backtest accuracy");
        store.MapGet("/freshness", GetStoreFreshness).WithName(nameof(GetStoreFreshness)).WithSummary("When this store's agent last delivered");
        return store;
    }

    public static Ok<StoreInfo> GetStore(string storeId, ClaimsPrincipal user, StoreRegistry registry) =>
        TypedResults.Ok(StoreInfo.Of(registry.Find(ApiRequest.Store(user, storeId, registry))!));

    public static async Task<Ok<IReadOnlyList<TrendPoint>>> GetTrend(
        string storeId, string? grain, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        var (f, t) = ApiRequest.Dates(from, to, time);
        return TypedResults.Ok(await analytics.TrendAsync(ApiRequest.Store(user, storeId, registry), ApiRequest.Grain(grain), f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<IReadOnlyList<HourCell>>> GetHours(
        string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        var (id, f, t) = Query(storeId, from, to, user, registry, time);
        return TypedResults.Ok(await analytics.HoursAsync(id, f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<Baskets>> GetBaskets(
        string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        var (id, f, t) = Query(storeId, from, to, user, registry, time);
        return TypedResults.Ok(await analytics.BasketsAsync(id, f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<PaymentMix>> GetPayments(
        string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        var (id, f, t) = Query(storeId, from, to, user, registry, time);
        return TypedResults.Ok(await analytics.PaymentsAsync(id, f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<IReadOnlyList<CategoryFigure>>> GetCategories(
        string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        var (id, f, t) = Query(storeId, from, to, user, registry, time);
        return TypedResults.Ok(await analytics.CategoriesAsync(id, f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<IReadOnlyList<ReturnsMonth>>> GetReturns(
        string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        var (id, f, t) = Query(storeId, from, to, user, registry, time);
        return TypedResults.Ok(await analytics.ReturnsAsync(id, f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<IReadOnlyList<DeliveryFigure>>> GetStoreDeliveries(
        string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        var (id, f, t) = Query(storeId, from, to, user, registry, time);
        return TypedResults.Ok(await analytics.DeliveriesAsync(id, f, t, ct).ConfigureAwait(false));
    }

    public static async Task<Ok<ForecastRun.ForecastView>> GetStoreForecast(
        string storeId, ClaimsPrincipal user, StoreRegistry registry, ForecastRun forecasts, CancellationToken ct) =>
        TypedResults.Ok(await forecasts.LatestAsync("store:" + ApiRequest.Store(user, storeId, registry), ct).ConfigureAwait(false));

    public static async Task<Ok<Freshness>> GetStoreFreshness(
        string storeId, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, SilentAgents agents, TimeProvider time, CancellationToken ct)
    {
        var fresh = (await analytics.FreshnessAsync(ApiRequest.Store(user, storeId, registry), [storeId], time.GetUtcNow(), ct).ConfigureAwait(false)).Single();
        return TypedResults.Ok(fresh with { Late = fresh.MinutesSinceUpload is not { } minutes || minutes > agents.SilentAfter.TotalMinutes });
    }

    /// <summary>A store query over a date range: the caller's access to the store and the range checked first.</summary>
    private static (string StoreId, DateOnly From, DateOnly To) Query(string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, TimeProvider time)
    {
        var (f, t) = ApiRequest.Dates(from, to, time);
        return (ApiRequest.Store(user, storeId, registry), f, t);
    }
}
