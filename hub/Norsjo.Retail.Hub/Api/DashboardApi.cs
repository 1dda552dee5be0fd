using System.Text.Json.Serialization;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.CashHandling;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Subsidy;
using Norsjo.Retail.Hub.Tenancy;
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
        // Numbers are numbers: the web default also reads "12" as 12, which the OpenAPI document
        // then describes as "integer or string" and the pages' generated types as number | string.
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        builder.Services.AddOpenApi(ApiDocument.Configure);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<StoreAnalytics>();
        builder.Services.AddSingleton<MonthlyTurnover>();
        builder.Services.AddSingleton<SalesIndexService>();
        builder.Services.AddSingleton<NotApprovedDeliveries>();
        builder.Services.AddSingleton<RegionalParts>();
        builder.AddDisclosure();
        return builder;
    }

    public static WebApplication MapDashboardApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMunicipalities();
        app.MapOpenApiDocument();

        // Every /api handler is a named method with typed results in a static class per concern (README: Adding an endpoint);
        // the refusals below (Failures) are the same for all, so they are described once, here.
        var api = app.MapGroup("/api").AddEndpointFilter(Failures).RequireAuthorization()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapLogin();
        api.MapAdminApi();
        api.MapConsentApi();
        api.MapRefusalsApi();
        api.MapRegistryApi();
        api.MapAgentHealthApi();
        api.MapStoreApi();
        api.MapSubsidyApi();
        api.MapMunicipalityApi();
        ServicePoints.ServicePointApi.MapServicePointApi(api);
        api.MapCashHandlingApi();
        api.MapRegionApi();
        return app;
    }

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
