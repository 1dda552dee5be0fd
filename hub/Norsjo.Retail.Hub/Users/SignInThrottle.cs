using Dapper;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.Users;

public sealed class SignInOptions
{
    public const string Section = "SignIn";

    /// <summary>Failed sign-ins for one user name within <see cref="Window"/> before that name is refused for the rest of it.</summary>
    public int FailuresPerUser { get; set; } = 5;

    /// <summary>Failed sign-ins from one address within <see cref="Window"/>, whatever the names, before that address is refused.</summary>
    public int FailuresPerAddress { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Slows password guessing: failures are counted per user name and per address in the operational
/// store, so every hub of the deployment counts together. Over a limit, sign-in is refused (even
/// with the right password) until the oldest failure in the window has aged out of it.
/// </summary>
public sealed class SignInThrottle(OperationalStore store, IOptions<SignInOptions> options, TimeProvider time)
{
    /// <summary>How long the user name or the address must wait, or null if they may try now.</summary>
    public async Task<TimeSpan?> BlockedForAsync(string username, string address, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var since = now - (long)settings.Window.TotalMilliseconds;
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        long? until = null;
        foreach (var (subject, limit) in new[] { (UserSubject(username), settings.FailuresPerUser), (AddressSubject(address), settings.FailuresPerAddress) })
        {
            // The limit-th newest failure in the window: once it ages out, there are fewer than the limit.
            var failures = (await connection.QueryAsync<long>(
                "SELECT at_unix_ms FROM sign_in_failures WHERE subject = @subject AND at_unix_ms > @since ORDER BY at_unix_ms DESC",
                new { subject, since }).ConfigureAwait(false)).ToList();
            if (failures.Count >= limit)
            {
                var free = failures[limit - 1] + (long)settings.Window.TotalMilliseconds;
                until = Math.Max(until ?? 0, free);
            }
        }

        return until is { } u ? TimeSpan.FromMilliseconds(Math.Max(1000, u - now)) : null;
    }

    public async Task FailedAsync(string username, string address, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("""
            DELETE FROM sign_in_failures WHERE at_unix_ms <= @Old;
            INSERT INTO sign_in_failures (subject, at_unix_ms) VALUES (@User, @Now), (@Address, @Now)
            """, new { Old = now - (long)options.Value.Window.TotalMilliseconds, User = UserSubject(username), Address = AddressSubject(address), Now = now })
            .ConfigureAwait(false);
    }

    /// <summary>A right password clears the name's failures (not the address's: one good account must not unlock guessing at others).</summary>
    public async Task SucceededAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM sign_in_failures WHERE subject = @Subject", new { Subject = UserSubject(username) }).ConfigureAwait(false);
    }

    private static string UserSubject(string username) => "user:" + (username.Length > 64 ? username[..64] : username);

    private static string AddressSubject(string address) => "address:" + address;
}
