using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.Credentials;

public sealed class CredentialOptions
{
    public const string Section = "Credentials";

    /// <summary>How long a hub trusts what it looked up; a revocation reaches every hub within this time.</summary>
    public TimeSpan CacheTime { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan EnrollmentCodeLifetime { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Enrollment codes and store credentials, in the operational store as SHA-256 hashes only, so every
/// hub of the deployment shares them, a code is redeemed exactly once (one conditional UPDATE in the
/// transaction that issues the credential), and a leaked database gives no one a working credential.
/// </summary>
public sealed class StoreCredentials(
    OperationalStore store, Tenancy.Municipalities municipalities, IOptions<CredentialOptions> options, TimeProvider time)
{
    /// <summary>The longest an administrator may make a code valid: a code is a secret in transit, best used soon.</summary>
    public const int MaxCodeValidDays = 30;

    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private readonly ConcurrentDictionary<string, (string? StoreId, DateTimeOffset Until)> _cache = new();

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A new one-time code for a registered store, e.g. "K7QM-3XPA-9RTD".</summary>
    public async Task<string> IssueEnrollmentCodeAsync(string storeId, TimeSpan? lifetime = null, CancellationToken cancellationToken = default) =>
        (await IssueAsync(storeId, lifetime ?? options.Value.EnrollmentCodeLifetime, cancellationToken).ConfigureAwait(false)).Code;

    /// <summary>
    /// A one-time code valid for whole days, as an administrator asks for one (the enroll-code command
    /// and the admin API share this): 1 to <see cref="MaxCodeValidDays"/> days, by default the configured lifetime.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown store or a validity outside 1–30 days (the message is for the administrator, in Swedish).</exception>
    public Task<EnrollmentCode> IssueForDaysAsync(string storeId, int? validDays, CancellationToken cancellationToken = default)
    {
        if (validDays is < 1 or > MaxCodeValidDays)
        {
            throw new ArgumentException($"En kod kan gälla 1–{MaxCodeValidDays} dagar, inte {validDays}.");
        }

        return IssueAsync(storeId, validDays is { } days ? TimeSpan.FromDays(days) : options.Value.EnrollmentCodeLifetime, cancellationToken);
    }

    private async Task<EnrollmentCode> IssueAsync(string storeId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        RequireStore(storeId);
        var raw = RandomNumberGenerator.GetString(CodeAlphabet, 12);
        var expires = (time.GetUtcNow() + lifetime).ToUnixTimeMilliseconds();
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("""
            INSERT INTO enrollment_codes (code_hash, store_id, expires_unix_ms, used, used_unix_ms) VALUES (@Hash, @StoreId, @Expires, 0, 0)
            """, new { Hash = Hash(raw), StoreId = storeId, Expires = expires }).ConfigureAwait(false);
        return new EnrollmentCode(storeId, $"{raw[..4]}-{raw[4..8]}-{raw[8..]}", DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }

    private sealed class StatusRow
    {
        public string StoreId { get; set; } = string.Empty;

        public long Active { get; set; }

        public long? LastIssuedMs { get; set; }

        public long? LastRevokedMs { get; set; }
    }

    private sealed class OpenCodeRow
    {
        public string StoreId { get; set; } = string.Empty;

        public long ExpiresMs { get; set; }
    }

    /// <summary>
    /// Every store that ever had a credential or an open code: whether an agent holds a working
    /// credential now, since when (or when the last was revoked), and until when an unused code is valid.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, CredentialStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var credentials = await connection.QueryAsync<StatusRow>("""
            SELECT store_id AS StoreId, SUM(CASE WHEN revoked = 0 THEN 1 ELSE 0 END) AS Active,
                   MAX(CASE WHEN revoked = 0 THEN issued_unix_ms END) AS LastIssuedMs, MAX(CASE WHEN revoked = 1 THEN revoked_unix_ms END) AS LastRevokedMs
            FROM store_credentials GROUP BY store_id
            """).ConfigureAwait(false);
        var codes = (await connection.QueryAsync<OpenCodeRow>(
            "SELECT store_id AS StoreId, MAX(expires_unix_ms) AS ExpiresMs FROM enrollment_codes WHERE used = 0 AND expires_unix_ms > @now GROUP BY store_id",
            new { now }).ConfigureAwait(false)).ToDictionary(c => c.StoreId, c => (DateTimeOffset?)Time(c.ExpiresMs), StringComparer.Ordinal);
        var status = credentials.ToDictionary(
            c => c.StoreId,
            c => c.Active > 0
                ? new CredentialStatus(CredentialState.Enrolled, Time(c.LastIssuedMs ?? 0), (int)c.Active, codes.GetValueOrDefault(c.StoreId))
                : new CredentialStatus(CredentialState.Revoked, Time(c.LastRevokedMs ?? 0), 0, codes.GetValueOrDefault(c.StoreId)),
            StringComparer.Ordinal);
        foreach (var (storeId, until) in codes)
        {
            status.TryAdd(storeId, new CredentialStatus(CredentialState.Never, null, 0, until));
        }

        return status;

        static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
    }

    /// <summary>
    /// Exchanges a valid code for a new credential; null when the code is unknown, used or expired.
    /// Marking the code used is one conditional UPDATE, so of any number of concurrent redemptions
    /// (on any hub of the deployment) exactly one sees a row change and issues a credential.
    /// </summary>
    public async Task<(string StoreId, string Credential)?> RedeemAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        var codeHash = Hash(code.Replace("-", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant());
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var credential = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var storeId = await connection.QuerySingleOrDefaultAsync<string>("""
            UPDATE enrollment_codes SET used = 1, used_unix_ms = @now
            WHERE code_hash = @codeHash AND used = 0 AND expires_unix_ms > @now
            RETURNING store_id
            """, new { codeHash, now }, transaction).ConfigureAwait(false);
        if (storeId is null || municipalities.FindStore(storeId) is null)
        {
            return null; // the transaction is not committed: a code of a store no longer registered stays as it was
        }

        await connection.ExecuteAsync("""
            INSERT INTO store_credentials (credential_hash, store_id, issued_unix_ms, revoked, revoked_unix_ms) VALUES (@Hash, @storeId, @now, 0, 0)
            """, new { Hash = Hash(credential), storeId, now }, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (storeId, credential);
    }

    /// <summary>Revokes every credential of the store; returns how many were active.</summary>
    public async Task<int> RevokeAsync(string storeId, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var revoked = (await connection.QueryAsync<string>("""
            UPDATE store_credentials SET revoked = 1, revoked_unix_ms = @Now WHERE store_id = @storeId AND revoked = 0 RETURNING credential_hash
            """, new { storeId, Now = time.GetUtcNow().ToUnixTimeMilliseconds() }).ConfigureAwait(false)).ToList();
        foreach (var hash in revoked)
        {
            _cache.TryRemove(hash, out _);
        }

        return revoked.Count;
    }

    /// <summary>The store a credential belongs to, or null if it is unknown or revoked.</summary>
    public async Task<Store?> AuthenticateAsync(string credential, CancellationToken cancellationToken = default)
    {
        var hash = Hash(credential);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var cached) || cached.Until <= now)
        {
            await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            var storeId = await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT store_id FROM store_credentials WHERE credential_hash = @hash AND revoked = 0", new { hash }).ConfigureAwait(false);
            cached = (storeId, now + options.Value.CacheTime);
            _cache[hash] = cached;
        }

        return cached.StoreId is null ? null : municipalities.FindStore(cached.StoreId);
    }

    private void RequireStore(string storeId)
    {
        if (municipalities.FindStore(storeId) is null)
        {
            throw new ArgumentException($"'{storeId}' is not in the store registry.", nameof(storeId));
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A code handed to an administrator once; the hub keeps only its hash.</summary>
public sealed record EnrollmentCode(string StoreId, string Code, DateTimeOffset ExpiresAt);

public enum CredentialState
{
    /// <summary>No agent has ever enrolled.</summary>
    Never,

    /// <summary>At least one credential works.</summary>
    Enrolled,

    /// <summary>Every credential the store had is revoked.</summary>
    Revoked,
}

/// <param name="Since">When the newest working credential was issued, or when the last one was revoked.</param>
/// <param name="CodeValidUntil">The latest expiry of an unused enrollment code, if one is open.</param>
public sealed record CredentialStatus(CredentialState State, DateTimeOffset? Since, int ActiveCredentials, DateTimeOffset? CodeValidUntil);
