using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// Sign-in for the dashboards and the API: a session cookie (HttpOnly, SameSite=Strict) that
/// expires after <see cref="SessionLifetime"/> without use. Unauthenticated API calls get 401 and
/// forbidden ones 403, never a redirect.
/// </summary>
public static class ApiAuthentication
{
    public const string StoreClaim = "norsjo:store";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public sealed record LoginRequest(string Username, string Password);

    public sealed record SignedInUser(string Username, string Role, IReadOnlyList<string> Stores);

    public static void AddCookieSessions(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = "norsjo.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = SessionLifetime;
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            options.Events.OnValidatePrincipal = EndDisabledSessionAsync;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy("municipality", policy => policy.RequireRole(UserStore.RoleName(UserRole.Municipality), UserStore.RoleName(UserRole.Admin)))
            .AddPolicy("admin", policy => policy.RequireRole(UserStore.RoleName(UserRole.Admin)));
    }

    public static void MapLogin(this RouteGroupBuilder api)
    {
        api.MapPost("/login", async (LoginRequest request, UserStore users, HttpContext http, CancellationToken cancellationToken) =>
        {
            var user = await StorageGuardHttp.RunAsync(() => users.VerifyAsync(request.Username ?? string.Empty, request.Password ?? string.Empty, cancellationToken)).ConfigureAwait(false);
            if (user is null)
            {
                return Results.Problem("Fel användarnamn eller lösenord.", statusCode: StatusCodes.Status401Unauthorized);
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, user.Username), new(ClaimTypes.Role, UserStore.RoleName(user.Role)) };
            claims.AddRange(user.Stores.Select(s => new Claim(StoreClaim, s)));
            await http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme))).ConfigureAwait(false);
            return Results.Ok(new SignedInUser(user.Username, UserStore.RoleName(user.Role), user.Stores));
        }).AllowAnonymous().WithSummary("Sign in; sets the session cookie");

        api.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync().ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Sign out");

        api.MapGet("/me", (ClaimsPrincipal user) => Results.Ok(new SignedInUser(
            user.Identity?.Name ?? string.Empty,
            user.FindFirstValue(ClaimTypes.Role) ?? string.Empty,
            [.. user.FindAll(StoreClaim).Select(c => c.Value)]))).WithSummary("Who is signed in");
    }

    /// <summary>A session outlives neither its user nor their being disabled (checked through <see cref="UserStore.IsActiveAsync"/>).</summary>
    private static async Task EndDisabledSessionAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        try
        {
            if (name is not null && await users.IsActiveAsync(name, context.HttpContext.RequestAborted).ConfigureAwait(false))
            {
                return;
            }
        }
        catch (Exception e) when (StorageGuard.IsStorageFailure(e, context.HttpContext.RequestAborted))
        {
            return; // unknown for now: the endpoint itself answers 503 if it needs ClickHouse
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}

/// <summary>ClickHouse trouble behind an HTTP endpoint is a 503, not a 500.</summary>
public static class StorageGuardHttp
{
    public sealed class StorageUnavailableException(Exception inner) : Exception("Storage is not available right now.", inner);

    public static async Task<T> RunAsync<T>(Func<Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (StorageGuard.IsStorageFailure(e, CancellationToken.None))
        {
            throw new StorageUnavailableException(e);
        }
    }
}
