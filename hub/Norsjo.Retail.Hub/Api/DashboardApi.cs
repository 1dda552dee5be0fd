using System.Security.Claims;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Subsidy;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// The HTTP JSON API behind the dashboards (/api, OpenAPI at /openapi/v1.json). Authorisation is
/// enforced here, on the server: store routes by <see cref="ApiRequest.Store"/>, municipality routes
/// by policy, and every municipality figure with the suppression rule applied.
/// </summary>
public static class DashboardApi
{
    public static WebApplicationBuilder AddDashboardApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCookieSessions(builder.Configuration);
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<StoreAnalytics>();
        builder.Services.AddSingleton<MonthlyTurnover>();
        builder.Services.AddSingleton<SalesIndexService>();
        builder.Services.AddSingleton<NotApprovedDeliveries>();
        builder.AddDisclosure();
        return builder;
    }

    public static WebApplication MapDashboardApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();

        var api = app.MapGroup("/api").AddEndpointFilter(Failures).RequireAuthorization();
        api.MapLogin();
        api.MapAdminApi();
        api.MapConsentApi();
        api.MapRefusalsApi();
        api.MapAgentHealthApi();

        var store = api.MapGroup("/stores/{storeId}").WithTags("Butik");
        store.MapGet("/", (string storeId, ClaimsPrincipal user, StoreRegistry registry) => StoreInfo.Of(registry.Find(ApiRequest.Store(user, storeId, registry))!))
            .WithSummary("The store's name and village");
        store.MapGet("/trend", (string storeId, string? grain, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct) =>
        {
            var (f, t) = ApiRequest.Dates(from, to, time);
            return analytics.TrendAsync(ApiRequest.Store(user, storeId, registry), ApiRequest.Grain(grain), f, t, ct);
        }).WithSummary("Sales per day, week or month with the same period last year (same weekday for days and weeks)");
        store.MapStoreQuery("/hours", (a, id, f, t, ct) => a.HoursAsync(id, f, t, ct), "Receipts and sales per hour of day × weekday (1 = Monday)");
        store.MapStoreQuery("/baskets", (a, id, f, t, ct) => a.BasketsAsync(id, f, t, ct), "Average basket and the distribution of basket sizes");
        store.MapStoreQuery("/payments", (a, id, f, t, ct) => a.PaymentsAsync(id, f, t, ct), "Payment mix and cash share");
        store.MapStoreQuery("/categories", (a, id, f, t, ct) => a.CategoriesAsync(id, f, t, ct), "Sales, VAT, quantity and returns per category");
        store.MapStoreQuery("/returns", (a, id, f, t, ct) => a.ReturnsAsync(id, f, t, ct), "Returned goods per month and their share of sales");
        store.MapStoreQuery("/deliveries", (a, id, f, t, ct) => a.DeliveriesAsync(id, f, t, ct), "Home deliveries per locality");
        store.MapGet("/forecast", (string storeId, ClaimsPrincipal user, StoreRegistry registry, Forecasting.ForecastRun forecasts, CancellationToken ct) =>
            forecasts.LatestAsync("store:" + ApiRequest.Store(user, storeId, registry), ct))
            .WithSummary("The latest nightly 8-week forecast of the store's daily sales, with its backtest accuracy");
        store.MapGet("/freshness", async (string storeId, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct) =>
            (await analytics.FreshnessAsync(ApiRequest.Store(user, storeId, registry), [storeId], time.GetUtcNow(), ct).ConfigureAwait(false)).Single())
            .WithSummary("When this store's agent last delivered");

        var subsidy = api.MapGroup("/stores/{storeId}/subsidy/{month}").WithTags("Hemsändningsbidrag");
        subsidy.MapGet("/", (string storeId, string month, ClaimsPrincipal user, StoreRegistry registry, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
            ledger.StatementAsync(ApiRequest.SubsidyStore(user, storeId, registry), ApiRequest.Month(month, index.CurrentMonth), ct))
            .WithSummary("The store's subsidy statement for a month (YYYY-MM): deliveries judged, reasons, amount due, corrections");
        subsidy.MapGet("/csv", async (string storeId, string month, ClaimsPrincipal user, StoreRegistry registry, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
            Results.Text(SubsidyLedger.Csv(await ledger.StatementAsync(ApiRequest.SubsidyStore(user, storeId, registry), ApiRequest.Month(month, index.CurrentMonth), ct).ConfigureAwait(false)),
                "text/csv; charset=utf-8"))
            .WithSummary("The statement as CSV");
        subsidy.MapGet("/print", async (string storeId, string month, ClaimsPrincipal user, StoreRegistry registry, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
        {
            var id = ApiRequest.SubsidyStore(user, storeId, registry);
            var statement = await ledger.StatementAsync(id, ApiRequest.Month(month, index.CurrentMonth), ct).ConfigureAwait(false);
            return Results.Content(StatementPage.Html(statement, registry.Find(id)!.Name), "text/html; charset=utf-8");
        }).WithSummary("The statement as a printable page");

        var municipality = api.MapGroup("/municipality").RequireAuthorization("municipality").WithTags("Kommunen");
        municipality.MapGet("/stores", (StoreRegistry registry) => registry.Stores.Select(StoreInfo.Of))
            .WithSummary("The stores in the registry: names and villages, no figures");
        // Every figure below passes through MunicipalFigures (Disclosure/): whole settled months, the rule on every cell.
        municipality.MapIndexBasis();
        municipality.MapGet("/index/years/{year:int}", async (int year, SalesIndexService index, MunicipalFigures figures, CancellationToken ct) =>
            IndexBasisApi.Honest(await figures.YearAsync(ApiRequest.Year(year, index.CurrentMonth), ct).ConfigureAwait(false), figures.LastSettledMonth))
            .WithSummary("Försäljningsindex for a calendar year (this year annualised from the settled months so far); figures held back say why");
        municipality.MapGet("/index/rolling", async (string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct) =>
        {
            var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
            return (await figures.RollingAsync(f, t, ct).ConfigureAwait(false)).Select(p => IndexBasisApi.Honest(p, figures.LastSettledMonth)).ToList();
        }).WithSummary("Rolling 12-month index, one value per month end (from/to as YYYY-MM); complete only once every month in it has ended and settled; figures held back say why");
        municipality.MapGet("/villages", (string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct) =>
        {
            var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
            return figures.VillagesAsync(f, t, ct);
        }).WithSummary("Each group of stores (a village, or small villages merged), each store that shares its figures, each estimate");
        municipality.MapGet("/cash-share", (string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct) =>
        {
            var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
            return figures.CashShareAsync(f, t, ct);
        }).WithSummary("Cash share per whole month (from/to as YYYY-MM), all stores; months that fail the rule held back");
        municipality.MapGet("/deliveries", (string? month, string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct) =>
        {
            if (from is not null || to is not null)
            {
                throw new BadApiRequestException("the municipality sees home deliveries per whole month: give month=YYYY-MM, not from/to.");
            }

            return figures.DeliveriesAsync(ApiRequest.Month(month ?? $"{index.CurrentMonth.AddMonths(-1):yyyy-MM}", index.CurrentMonth), ct);
        }).WithSummary("Home deliveries per locality for one whole month (month=YYYY-MM); localities that fail the rule merged into Övriga orter");
        municipality.MapGet("/freshness", (StoreAnalytics analytics, StoreRegistry registry, TimeProvider time, CancellationToken ct) =>
            analytics.FreshnessAsync(null, registry.Stores.Where(s => s.Reports).Select(s => s.Id), time.GetUtcNow(), ct))
            .WithSummary("When each store's agent last delivered (no sales figures)");
        municipality.MapGet("/index/outlook", async (MunicipalFigures figures, SalesIndexService index, CancellationToken ct) =>
            await figures.OutlookAsync(index.CurrentMonth.Year, ct).ConfigureAwait(false) is { } latest
                ? Results.Ok(latest)
                : Results.Problem("Ingen prognos för index ännu: den görs varje vecka.", statusCode: StatusCodes.Status404NotFound))
            .WithSummary("This year's index outlook from the weekly job: expected, 10–90 % range, chance of 60 or more");
        municipality.MapGet("/silent-agents", (Operations.SilentAgents agents, CancellationToken ct) => agents.LatestAsync(ct))
            .WithSummary("The latest hourly check: stores open now whose agent has sent nothing for a while");
        municipality.MapGet("/forecast", (MunicipalFigures figures, CancellationToken ct) => figures.ForecastAsync(ct))
            .WithSummary("The latest nightly 8-week forecast of all stores' sales together, per week; held back where it would show actual sales");
        municipality.MapGet("/subsidy/claim/{year:int}", (int year, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
            ledger.ClaimAsync(ApiRequest.Year(year, index.CurrentMonth), ct))
            .WithSummary("The yearly claim toward the state, with its inputs");
        municipality.MapGet("/subsidy/{month}", async (string month, SubsidyLedger ledger, StoreRegistry registry, SalesIndexService index, CancellationToken ct) =>
        {
            var m = ApiRequest.Month(month, index.CurrentMonth);
            var statements = new List<Statement>();
            foreach (var store in registry.Stores)
            {
                statements.Add((await ledger.StatementAsync(store.Id, m, ct).ConfigureAwait(false)) with { Lines = [] });
            }

            return statements;
        }).WithSummary("Every store's statement for the month, without the lines");
        api.MapPost("/admin/subsidy/{month}/produce", async (string month, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
            new { produced = await ledger.ProduceAsync(ApiRequest.Month(month, index.CurrentMonth), ct).ConfigureAwait(false) })
            .RequireAuthorization("admin").WithTags("Admin").WithSummary("Produce the month's statements now (as the monthly job does); again changes nothing");
        return app;
    }

    /// <summary>A store route over a date range: the caller's access to the store and the range checked first.</summary>
    private static void MapStoreQuery<T>(
        this RouteGroupBuilder store, string path, Func<StoreAnalytics, string, DateOnly, DateOnly, CancellationToken, Task<T>> query, string summary) =>
        store.MapGet(path, (string storeId, string? from, string? to, ClaimsPrincipal user, StoreRegistry registry, StoreAnalytics analytics, TimeProvider time, CancellationToken ct) =>
        {
            var (f, t) = ApiRequest.Dates(from, to, time);
            return query(analytics, ApiRequest.Store(user, storeId, registry), f, t, ct);
        }).WithSummary(summary);

    /// <summary>Refusals become problem details with the reason: 400, 403, or 503 when ClickHouse is away.</summary>
    private static async ValueTask<object?> Failures(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (BadApiRequestException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (ForbiddenApiRequestException e)
        {
            // A person who opened a link (a print page, a CSV) gets the Swedish page; scripts and API clients the problem.
            return Dashboards.RefusalPages.IsNavigation(context.HttpContext.Request)
                ? Dashboards.RefusalPages.Page(context.HttpContext, System.Net.HttpStatusCode.Forbidden, null)
                : Results.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
        catch (Exception e) when (e is StorageGuardHttp.StorageUnavailableException || StorageGuard.IsStorageFailure(e, context.HttpContext.RequestAborted))
        {
            return Results.Problem(StorageGuard.UnavailableMessage, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
