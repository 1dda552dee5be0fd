using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Norsjo.Retail.Hub.Dashboards;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>
/// The public page, no sign-in: /service (every village), /service/{village} and
/// /service/{village}/utskrift (the A4 sheet for the notice board). One built page (service.html)
/// reads its address. Its policy allows images from the municipality's tile server only when one is
/// configured; otherwise nothing outside the hub.
/// </summary>
public static class ServicePages
{
    private const string PolicyStart = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

    private const string PolicyEnd = "; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    public static WebApplication MapServicePages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/service", Page).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/service/{village}", Page).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/service/{village}/utskrift", Page).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Page(HttpContext http, DashboardFiles files, IOptions<ServicePointOptions> options)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = PolicyStart + (options.Value.TileOrigin is { } origin ? " " + origin : string.Empty) + PolicyEnd;
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "strict-origin";
        if (files.Root is null)
        {
            return Results.Content(RefusalPages.Html("Sidan är inte byggd", "Hubben hittar inte de byggda sidorna (<code>npm run build</code> i <code>dashboards/</code>)."),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        headers.CacheControl = "no-cache";
        return Results.File(Path.Combine(files.Root, "service.html"), "text/html; charset=utf-8");
    }
}
