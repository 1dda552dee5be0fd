using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Net.Http.Headers;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// What every HTTP request meets first. The ingest port (Kestrel endpoint "Grpc", the one port every
/// shop must reach) serves gRPC calls only: any other request there is a 404, so the web surface —
/// pages, API, status, metrics, Hangfire, OpenAPI, health — is reachable only on the HTTP endpoint.
/// There, a state-changing request from another origin is refused (CSRF: SameSite cookies alone let a
/// page on another port of the same host through), and every response carries the security headers.
/// </summary>
public static class WebSurface
{
    public const string GrpcEndpoint = "Grpc";

    /// <summary>Pages set their own policy (Dashboards/DashboardPages.cs); the rest — JSON, CSV, print pages — need nothing but inline style.</summary>
    public const string DefaultContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>Hangfire's dashboard: its scripts and styles are files of its own; it draws inline styles and data-URI images.</summary>
    public const string HangfireContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly object GrpcPortMarker = new();

    public static WebApplicationBuilder AddWebSurface(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Connections accepted on the gRPC endpoint are marked, so a request knows which port it came in on
        // whatever the port's number (0, several addresses, a proxy in front).
        builder.WebHost.ConfigureKestrel((context, kestrel) => kestrel.Configure(context.Configuration.GetSection("Kestrel"))
            .Endpoint(GrpcEndpoint, endpoint => endpoint.ListenOptions.Use(next => connection =>
            {
                connection.Items[GrpcPortMarker] = true;
                return next(connection);
            })));
        return builder;
    }

    public static WebApplication UseWebSurface(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(GrpcPortMarker) == true)
            {
                if (!IsGrpcCall(context.Request))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await next(context).ConfigureAwait(false);
                return;
            }

            context.Response.OnStarting(() =>
            {
                SecurityHeaders(context);
                return Task.CompletedTask;
            });
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
                && IsCrossOrigin(context.Request))
            {
                await Results.Problem("Förfrågan kom från en annan webbplats och avvisades.", statusCode: StatusCodes.Status403Forbidden)
                    .ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        return app;
    }

    private static bool IsGrpcCall(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A browser names the requesting site in Sec-Fetch-Site and its origin in Origin on every
    /// cross-origin POST; only this origin is accepted. A request with neither is not from a browser
    /// (curl, scripts), which a foreign page cannot make a browser send.
    /// </summary>
    internal static bool IsCrossOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    private static void SecurityHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        if (!headers.ContainsKey("Referrer-Policy"))
        {
            headers["Referrer-Policy"] = "same-origin";
        }

        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/hangfire") ? HangfireContentSecurityPolicy : DefaultContentSecurityPolicy;
        }
    }
}
