using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Dashboards;

/// <summary>
/// Serves the pages built from dashboards/ (Vite, into dashboards/dist). A page address is checked
/// on the server before the page is handed out: /butik/{store} only to that store's owner (or an
/// admin), /kommun to the municipality and admins, /admin to admins. Everything else a page shows
/// comes from the API, which checks again.
/// </summary>
public static partial class DashboardPages
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    public static WebApplicationBuilder AddDashboardPages(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddResponseCompression();
        builder.Services.AddSingleton(services => DashboardFiles.Locate(builder.Configuration["Dashboards:Root"], builder.Environment.ContentRootPath));
        return builder;
    }

    public static WebApplication MapDashboardPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var files = app.Services.GetRequiredService<DashboardFiles>();
        if (files.Root is null)
        {
            LogNotBuilt(app.Logger, files.Looked);
        }
        else
        {
            // Vite names assets by their content hash, so they may be cached for good; squeezed for slow village links.
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/assets"), assets =>
            {
                assets.UseResponseCompression();
                assets.UseStaticFiles(new StaticFileOptions
                {
                    FileProvider = new PhysicalFileProvider(Path.Combine(files.Root, "assets")),
                    RequestPath = "/assets",
                    OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
                });
            });
        }

        app.MapGet("/", (HttpContext http) => Page(http, files, "index.html")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/butik", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated != true
            ? Results.Redirect("/?next=/butik")
            : Results.Redirect(user.FindFirst(ApiAuthentication.StoreClaim) is { } store ? "/butik/" + Uri.EscapeDataString(store.Value) : "/kommun"))
            .ExcludeFromDescription();
        app.MapGet("/butik/{storeId}", (string storeId, HttpContext http, StoreRegistry registry) =>
        {
            if (SignInFirst(http) is { } signIn)
            {
                return signIn;
            }

            try
            {
                ApiRequest.Store(http.User, storeId, registry);
            }
            catch (ForbiddenApiRequestException)
            {
                return Refusal(http, HttpStatusCode.Forbidden, "Du kan bara se din egen butiks siffror.");
            }
            catch (BadApiRequestException)
            {
                return Refusal(http, HttpStatusCode.NotFound, $"Det finns ingen butik som heter '{storeId}'.");
            }

            return Page(http, files, "butik.html");
        }).ExcludeFromDescription();
        app.MapGet("/kommun", (HttpContext http) => SignInFirst(http)
            ?? (http.User.IsInRole(UserStore.RoleName(UserRole.Municipality)) || http.User.IsInRole(UserStore.RoleName(UserRole.Admin))
                ? Page(http, files, "kommun.html")
                : Refusal(http, HttpStatusCode.Forbidden, "Kommunens sida är till för kommunens användare."))).ExcludeFromDescription();
        app.MapGet("/kommun/rapport", (HttpContext http) => SignInFirst(http)
            ?? (http.User.IsInRole(UserStore.RoleName(UserRole.Municipality)) || http.User.IsInRole(UserStore.RoleName(UserRole.Admin))
                ? Page(http, files, "rapport.html")
                : Refusal(http, HttpStatusCode.Forbidden, "Årsrapporten är till för kommunens användare."))).ExcludeFromDescription();
        app.MapGet("/region", (HttpContext http) => SignInFirst(http)
            ?? (http.User.IsInRole(UserStore.RoleName(UserRole.Region)) || http.User.IsInRole(UserStore.RoleName(UserRole.Admin))
                ? Page(http, files, "region.html")
                : Refusal(http, HttpStatusCode.Forbidden, "Regionens sida är till för regionens användare."))).ExcludeFromDescription();
        app.MapGet("/admin", (HttpContext http) => SignInFirst(http)
            ?? (http.User.IsInRole(UserStore.RoleName(UserRole.Admin)) || http.User.IsInRole(UserStore.RoleName(UserRole.MunicipalityEditor))
                ? Page(http, files, "admin.html")
                : Refusal(http, HttpStatusCode.Forbidden, "Administrationen är till för administratörer."))).ExcludeFromDescription();
        return app;
    }

    private static IResult? SignInFirst(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? null : Results.Redirect("/?next=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));

    private static IResult Page(HttpContext http, DashboardFiles files, string name)
    {
        Secure(http);
        if (files.Root is null)
        {
            return Results.Content(
                RefusalPages.Html("Sidorna är inte byggda", "Hubben hittar inte de byggda sidorna. Kör <code>./norsjo demo</code>, eller <code>npm ci &amp;&amp; npm run build</code> i <code>dashboards/</code>, eller ange <code>Dashboards:Root</code>."),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        http.Response.Headers.CacheControl = "no-cache";
        return Results.File(Path.Combine(files.Root, name), "text/html; charset=utf-8");
    }

    private static IResult Refusal(HttpContext http, HttpStatusCode status, string message) => RefusalPages.Page(http, status, message);

    private static void Secure(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "same-origin";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard pages are not built (looked in {Looked}); the hub answers the API only. Build them with npm run build in dashboards/.")]
    private static partial void LogNotBuilt(ILogger logger, string looked);
}
