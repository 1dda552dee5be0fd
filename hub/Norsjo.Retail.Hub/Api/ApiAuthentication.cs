using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// Sign-in for the dashboards and the API: a session cookie (HttpOnly, SameSite=Strict) naming a
/// server-side session (<see cref="SessionStore"/>) that expires after <see cref="SessionLifetime"/>
/// without use. Failed sign-ins are throttled per user and per address (<see cref="SignInThrottle"/>).
/// Unauthenticated API calls get 401 and forbidden ones 403, never a redirect.
/// </summary>
public static class ApiAuthentication
{
    public const string StoreClaim = SessionStore.StoreClaim;
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <param name="Next">The page that asked for the sign-in; answered back only if it is a path on this hub (<see cref="SafeNext"/>).</param>
    public sealed record LoginRequest(string Username, string Password, string? Next = null);

    /// <param name="Today">Norsjö's date by the hub's clock (YYYY-MM-DD), and <paramref name="Hour"/> its hour: the pages' "today", so a page and the API never disagree on what day it is.</param>
    /// <param name="Policies">The hub's authorization policies the user satisfies (municipality, admin, registry): what the pages show, asked of the hub rather than a second role list.</param>
    public sealed record SignedInUser(string Username, string Role, IReadOnlyList<string> Stores, string Today, int Hour, IReadOnlyList<string> Policies);

    /// <summary>The named policies of <see cref="AddCookieSessions"/>, as /api/me reports them.</summary>
    public static readonly IReadOnlyList<string> Policies = ["municipality", "admin", "registry", RegionApi.Policy];

    /// <param name="Next">Where to go now: the asked-for page if it is safe, otherwise null (the role's start page).</param>
    public sealed record LoginReply(string Username, string Role, IReadOnlyList<string> Stores, string? Next);

    public static void AddCookieSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SignInOptions>(configuration.GetSection(SignInOptions.Section));
        services.AddSingleton<SessionStore>();
        services.AddSingleton<SignInThrottle>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme).Configure<SessionStore>((options, sessions) =>
        {
            options.Cookie.Name = "norsjo.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = SessionLifetime;
            options.SlidingExpiration = true;
            options.SessionStore = sessions;
            options.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy("municipality", policy => policy.RequireRole(UserStore.RoleName(UserRole.Municipality), UserStore.RoleName(UserRole.Admin)))
            .AddPolicy("admin", policy => policy.RequireRole(UserStore.RoleName(UserRole.Admin)))
            .AddPolicy("registry", policy => policy.RequireRole(UserStore.RoleName(UserRole.MunicipalityEditor), UserStore.RoleName(UserRole.Admin)))
            .AddPolicy(RegionApi.Policy, policy => policy.RequireRole(UserStore.RoleName(UserRole.Region), UserStore.RoleName(UserRole.Admin)));
    }

    public static void MapLogin(this RouteGroupBuilder api)
    {
        api.MapPost("/login", Login).WithName(nameof(Login)).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Sign in; sets the session cookie. 429 after too many failures for the name or the address");
        // As a Delegate: a method taking only HttpContext would otherwise bind as a RequestDelegate, whose result is discarded.
        api.MapPost("/logout", (Delegate)Logout).WithName(nameof(Logout))
            .WithSummary("Sign out: the session ends on the server, so the cookie no longer works anywhere");
        api.MapGet("/me", Me).WithName(nameof(Me)).WithSummary("Who is signed in, and Norsjö's today and hour by the hub's clock");
    }

    public static async Task<Results<Ok<LoginReply>, ProblemHttpResult>> Login(LoginRequest request, UserStore users, SignInThrottle throttle, HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        var username = request.Username ?? string.Empty;
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await throttle.BlockedForAsync(username, address, cancellationToken).ConfigureAwait(false) is { } wait)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem($"För många misslyckade inloggningar. Vänta {minutes} {(minutes == 1 ? "minut" : "minuter")} och försök igen.",
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        var user = await users.VerifyAsync(username, request.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            await throttle.FailedAsync(username, address, cancellationToken).ConfigureAwait(false);
            return TypedResults.Problem("Fel användarnamn eller lösenord.", statusCode: StatusCodes.Status401Unauthorized);
        }

        await throttle.SucceededAsync(username, cancellationToken).ConfigureAwait(false);
        await http.SignInAsync(SessionStore.Principal(user)).ConfigureAwait(false);
        return TypedResults.Ok(new LoginReply(user.Username, UserStore.RoleName(user.Role), user.Stores, SafeNext.Path(request.Next)));
    }

    public static async Task<NoContent> Logout(HttpContext http)
    {
        await http.SignOutAsync().ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<SignedInUser>> Me(ClaimsPrincipal user, TimeProvider time, IAuthorizationService authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var policies = new List<string>();
        foreach (var policy in Policies)
        {
            if ((await authorization.AuthorizeAsync(user, policy).ConfigureAwait(false)).Succeeded)
            {
                policies.Add(policy);
            }
        }

        return TypedResults.Ok(new SignedInUser(
            user.Identity?.Name ?? string.Empty,
            user.FindFirstValue(ClaimTypes.Role) ?? string.Empty,
            [.. user.FindAll(StoreClaim).Select(c => c.Value)],
            Time.SwedishTime.Today(time).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Time.SwedishTime.Now(time).Hour,
            policies));
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
