using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// The admin page's API: the registry's stores with their agents' credentials and freshness,
/// enrollment codes and revocation (the same code paths as the enroll-code and revoke commands),
/// and dashboard users. Admins only; refusals in Swedish, for the person at the page.
/// </summary>
public static class AdminApi
{
    public sealed record AdminStore(
        string Id,
        string Name,
        string Village,
        DateOnly FirstDay,
        bool Reports,
        string Credential,
        DateTimeOffset? CredentialSince,
        int ActiveCredentials,
        DateTimeOffset? CodeValidUntil,
        DateTimeOffset? LastUpload,
        string? LastSale,
        double? MinutesSinceUpload);

    public sealed record CodeRequest(int? ValidDays);

    public sealed record IssuedCode(string StoreId, string Code, DateTimeOffset ExpiresAt, string AgentCommand);

    public sealed record Revoked(string StoreId, int Credentials);

    /// <param name="Municipality">Whose figures municipal staff see, when the hub has several municipalities (the first when not given).</param>
    public sealed record NewUser(string? Username, string? Password, string? Role, IReadOnlyList<string>? Stores, string? Municipality = null);

    public sealed record UserView(string Username, string Role, IReadOnlyList<string> Stores, bool Disabled, string Municipality);

    /// <param name="Username">The user now disabled.</param>
    public sealed record DisabledUser(string Username, bool Disabled);

    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var admin = api.MapGroup("/admin").RequireAuthorization("admin").WithTags("Admin");
        admin.MapGet("/stores", GetAdminStores).WithName(nameof(GetAdminStores))
            .WithSummary("Every store in the registry: its agent's credential (enrolled, revoked or never, and when), an open code's expiry, and the last delivery");
        admin.MapPost("/stores/{storeId}/enrollment-codes", IssueEnrollmentCode).WithName(nameof(IssueEnrollmentCode))
            .WithSummary($"A one-time enrollment code for the store's agent (validDays 1–{StoreCredentials.MaxCodeValidDays}, default 7); shown only in this answer");
        admin.MapPost("/stores/{storeId}/revoke", RevokeStore).WithName(nameof(RevokeStore))
            .WithSummary("Revoke every credential of the store; every hub refuses them within Credentials:CacheTime");
        admin.MapGet("/users", GetUsers).WithName(nameof(GetUsers))
            .WithSummary("Every dashboard user: name, role, stores and whether disabled (never the password hash)");
        admin.MapPost("/users", SaveUser).WithName(nameof(SaveUser))
            .WithSummary("Add a user or change one (password, role, stores; a disabled user is enabled again)");
        admin.MapPost("/users/{username}/disable", DisableUser).WithName(nameof(DisableUser)).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Disable a user: they can no longer sign in, and a session they hold stops working. Not yourself.");
        return admin;
    }

    /// <summary>The admin looks after every agent on the hub: the stores of every municipality, the first municipality's first.</summary>
    public static async Task<Ok<List<AdminStore>>> GetAdminStores(Tenancy.Municipalities municipalities, StoreCredentials credentials, StoreAnalytics analytics, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(municipalities);
        var stores = municipalities.All.SelectMany(m => m.Facts.Current.Stores).ToList();
        var status = await credentials.StatusAsync(ct).ConfigureAwait(false);
        var fresh = (await analytics.FreshnessAsync(null, stores.Select(s => s.Id), time.GetUtcNow(), ct).ConfigureAwait(false))
            .ToDictionary(f => f.StoreId, StringComparer.Ordinal);
        return TypedResults.Ok(stores.Select(s =>
        {
            var c = status.GetValueOrDefault(s.Id) ?? new CredentialStatus(CredentialState.Never, null, 0, null);
            var f = fresh[s.Id];
            return new AdminStore(s.Id, s.Name, s.Village, s.Opened, s.Reports, c.State.ToString().ToLowerInvariant(), c.Since, c.ActiveCredentials,
                c.CodeValidUntil, f.LastUpload, f.LastSale, f.MinutesSinceUpload);
        }).ToList());
    }

    public static async Task<Ok<IssuedCode>> IssueEnrollmentCode(string storeId, CodeRequest? request, Tenancy.Municipalities municipalities, StoreCredentials credentials, CancellationToken ct)
    {
        var code = await RuleAsync(() => credentials.IssueForDaysAsync(RegisteredStore(storeId, municipalities), request?.ValidDays, ct)).ConfigureAwait(false);
        return TypedResults.Ok(new IssuedCode(code.StoreId, code.Code, code.ExpiresAt, $"Norsjo.Retail.Agent enroll --code {code.Code}"));
    }

    public static async Task<Ok<Revoked>> RevokeStore(string storeId, Tenancy.Municipalities municipalities, StoreCredentials credentials, CancellationToken ct)
    {
        var id = RegisteredStore(storeId, municipalities);
        return TypedResults.Ok(new Revoked(id, await credentials.RevokeAsync(id, ct).ConfigureAwait(false)));
    }

    public static async Task<Ok<List<UserView>>> GetUsers(UserStore users, CancellationToken ct) =>
        TypedResults.Ok((await users.ListAsync(ct).ConfigureAwait(false)).Select(View).ToList());

    public static async Task<Ok<UserView>> SaveUser(NewUser? request, ClaimsPrincipal user, UserStore users, CancellationToken ct)
    {
        if (request is null)
        {
            throw new BadApiRequestException("Ange username, password, role och stores.");
        }

        var role = Rule(() => UserStore.ParseRole(request.Role ?? string.Empty));
        if (role != UserRole.Admin && string.Equals(request.Username, user.Identity?.Name, StringComparison.Ordinal))
        {
            throw new BadApiRequestException("Du kan inte ta bort din egen administratörsroll.");
        }

        var stores = request.Stores ?? [];
        await RuleAsync(async () =>
        {
            await users.SaveAsync(request.Username ?? string.Empty, request.Password ?? string.Empty, role, stores, request.Municipality, ct).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        return TypedResults.Ok(View(new UserAccount(request.Username!, role, stores, false) { Municipality = request.Municipality ?? Tenancy.Municipality.FirstId }));
    }

    public static async Task<Results<Ok<DisabledUser>, ProblemHttpResult>> DisableUser(string username, ClaimsPrincipal user, UserStore users, CancellationToken ct)
    {
        if (string.Equals(username, user.Identity?.Name, StringComparison.Ordinal))
        {
            throw new BadApiRequestException("Du kan inte stänga av dig själv.");
        }

        return await users.DisableAsync(username, ct).ConfigureAwait(false)
            ? TypedResults.Ok(new DisabledUser(username, true))
            : TypedResults.Problem($"Det finns ingen användare '{username}'.", statusCode: StatusCodes.Status404NotFound);
    }

    private static UserView View(UserAccount account) =>
        new(account.Username, UserStore.RoleName(account.Role), account.Stores, account.Disabled, account.Municipality);

    private static string RegisteredStore(string storeId, Tenancy.Municipalities municipalities) =>
        municipalities.FindStore(storeId) is not null ? storeId : throw new BadApiRequestException($"'{storeId}' finns inte i butiksregistret.");

    /// <summary>A rule the domain enforces (<see cref="ArgumentException"/> with a Swedish message) becomes a 400.</summary>
    private static T Rule<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            throw new BadApiRequestException(e.Message);
        }
    }

    private static async Task<T> RuleAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new BadApiRequestException(e.Message);
        }
    }
}
