using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Net.Http.Headers;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Dashboards;

/// <summary>
/// What a person sees when the hub says no: a page in Swedish, worded for who they are, on every
/// route a browser opens (the pages, the print pages under /api, /hangfire, whose dashboard answers
/// an empty 401/403 of its own). API clients keep their JSON problem answers: a request that is not
/// a browser's navigation gets problem details, with the reason in Swedish where the hub had none.
/// </summary>
public static class RefusalPages
{
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication UseRefusalPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Only answers that have no body yet (Hangfire's, the cookie scheme's bare 401/403); the API's own problems pass as they are.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            if (status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound))
            {
                return;
            }

            if (IsNavigation(http.Request))
            {
                await Page(http, (HttpStatusCode)status, null).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            if (http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/hangfire"))
            {
                await Results.Problem(ProblemText(status), statusCode: status).ExecuteAsync(http).ConfigureAwait(false);
            }
        });
        return app;
    }

    /// <summary>A browser opening a page (a link, the address bar), as against a script's fetch or an API client.</summary>
    public static bool IsNavigation(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mode = request.Headers["Sec-Fetch-Mode"].ToString();
        if (mode.Length > 0)
        {
            return mode == "navigate";
        }

        var accept = request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The Swedish refusal page; <paramref name="reason"/> if the caller knows better than the role's default.</summary>
    public static IResult Page(HttpContext http, HttpStatusCode status, string? reason)
    {
        ArgumentNullException.ThrowIfNull(http);
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers.CacheControl = "no-store";
        var path = http.Request.Path.Value ?? "/";
        var (title, text) = status switch
        {
            HttpStatusCode.Unauthorized => ("Du är inte inloggad",
                $"{WebUtility.HtmlEncode(reason ?? "Sidan visas bara för inloggade användare.")}</p><p><a href=\"/?next={WebUtility.HtmlEncode(Uri.EscapeDataString(path + http.Request.QueryString))}\">Logga in</a>"),
            HttpStatusCode.Forbidden => ("Ingen behörighet",
                $"{WebUtility.HtmlEncode(reason ?? Forbidden(http.User, path))}</p><p>{WhoYouAre(http.User)}"),
            _ => ("Sidan finns inte", $"{WebUtility.HtmlEncode(reason ?? "Adressen finns inte i Norsjö Retail.")}</p><p><a href=\"/\">Till startsidan</a>"),
        };
        return Results.Content(Html(title, text), "text/html; charset=utf-8", statusCode: (int)status);
    }

    /// <summary>A whole small page: Swedish, readable on a phone.</summary>
    public static string Html(string title, string body) =>
        $"""
        <!doctype html>
        <html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title} – Norsjö Retail</title></head>
        <body style="font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; line-height: 1.5"><main><h1>{title}</h1><p>{body}</p></main></body></html>
        """;

    private static string Forbidden(ClaimsPrincipal user, string path)
    {
        if (path.StartsWith("/hangfire", StringComparison.OrdinalIgnoreCase))
        {
            return "Jobböversikten (Hangfire) kan starta och ta bort hubbens jobb och är därför bara till för administratörer.";
        }

        return user.IsInRole(UserStore.RoleName(UserRole.StoreOwner))
            ? "Som butiksägare ser du bara din egen butiks siffror."
            : user.IsInRole(UserStore.RoleName(UserRole.Municipality))
                ? "Kommunen ser inte enskilda butikers siffror och inte administrationen."
                : "Du har inte behörighet till den här sidan.";
    }

    /// <summary>"Du är inloggad som anna (butiksägare)." and the way to the role's own start page.</summary>
    private static string WhoYouAre(ClaimsPrincipal user)
    {
        var name = WebUtility.HtmlEncode(user.Identity?.Name ?? string.Empty);
        var (role, start, startName) =
            user.IsInRole(UserStore.RoleName(UserRole.Admin)) ? ("administratör", "/admin", "administrationen")
            : user.IsInRole(UserStore.RoleName(UserRole.Municipality)) ? ("kommunens användare", "/kommun", "kommunens sida")
            : user.IsInRole(UserStore.RoleName(UserRole.StoreOwner)) ? ("butiksägare", "/butik", "din butiks sida")
            : ("okänd roll", "/", "startsidan");
        return $"Du är inloggad som {name} ({role}). <a href=\"{start}\">Till {startName}</a>";
    }

    private static string ProblemText(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Inte inloggad: logga in först (POST /api/login).",
        StatusCodes.Status403Forbidden => "Ingen behörighet för detta.",
        _ => "Finns inte.",
    };
}
