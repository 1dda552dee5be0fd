using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.Users;

/// <summary>
/// Server-side sessions: the cookie carries only a random session key; the row (keyed by the key's
/// SHA-256) says whose session it is and until when. On every request the principal is built anew
/// from the user's current row — role, stores, disabled — so a demoted, moved or disabled user loses
/// old rights at once, on every hub of the deployment. Signing out deletes the row: a copied cookie
/// then opens nothing.
/// </summary>
public sealed class SessionStore(OperationalStore store, UserStore users, TimeProvider time) : ITicketStore
{
    public const string StoreClaim = "norsjo:store";

    /// <summary>The claims a signed-in user carries, made in this one place for sign-in and for every request.</summary>
    public static ClaimsPrincipal Principal(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Username), new(ClaimTypes.Role, UserStore.RoleName(user.Role)) };
        claims.AddRange(user.Stores.Select(s => new Claim(StoreClaim, s)));
        claims.Add(new(Tenancy.Municipalities.Claim, user.Municipality));
        if (user.Role == UserRole.MunicipalityEditor)
        {
            claims.Add(new(ClaimTypes.Role, UserStore.RoleName(UserRole.Municipality))); // sees every municipal page and figure, as the municipality does
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    private sealed class Row
    {
        public string Username { get; set; } = string.Empty;

        public long CreatedUnixMs { get; set; }

        public long ExpiresUnixMs { get; set; }
    }

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        await using var connection = await store.OpenAsync().ConfigureAwait(false);
        await connection.ExecuteAsync("""
            DELETE FROM sessions WHERE expires_unix_ms < @Now;
            INSERT INTO sessions (session_hash, username, created_unix_ms, expires_unix_ms) VALUES (@Hash, @Username, @Now, @Expires)
            """, new
        {
            Hash = Hash(key),
            Username = ticket.Principal.Identity?.Name ?? throw new InvalidOperationException("A session needs a user name."),
            Now = now.ToUnixTimeMilliseconds(),
            Expires = Expires(ticket, now),
        }).ConfigureAwait(false);
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await using var connection = await store.OpenAsync().ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE sessions SET expires_unix_ms = @Expires WHERE session_hash = @Hash",
            new { Hash = Hash(key), Expires = Expires(ticket, time.GetUtcNow()) }).ConfigureAwait(false);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        Row? row;
        await using (var connection = await store.OpenAsync().ConfigureAwait(false))
        {
            row = await connection.QuerySingleOrDefaultAsync<Row>(
                "SELECT username AS Username, created_unix_ms AS CreatedUnixMs, expires_unix_ms AS ExpiresUnixMs FROM sessions WHERE session_hash = @Hash",
                new { Hash = Hash(key) }).ConfigureAwait(false);
        }

        if (row is null || row.ExpiresUnixMs <= time.GetUtcNow().ToUnixTimeMilliseconds()
            || await users.ActiveAsync(row.Username).ConfigureAwait(false) is not { } user)
        {
            return null;
        }

        var properties = new AuthenticationProperties
        {
            IssuedUtc = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedUnixMs),
            ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresUnixMs),
            AllowRefresh = true,
        };
        return new AuthenticationTicket(Principal(user), properties, CookieAuthenticationDefaults.AuthenticationScheme);
    }

    public async Task RemoveAsync(string key)
    {
        await using var connection = await store.OpenAsync().ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM sessions WHERE session_hash = @Hash", new { Hash = Hash(key) }).ConfigureAwait(false);
    }

    private static long Expires(AuthenticationTicket ticket, DateTimeOffset now) =>
        (ticket.Properties.ExpiresUtc ?? now + Api.ApiAuthentication.SessionLifetime).ToUnixTimeMilliseconds();

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
