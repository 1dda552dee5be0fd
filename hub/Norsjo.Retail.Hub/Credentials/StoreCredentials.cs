using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Credentials;

public sealed class CredentialOptions
{
    public const string Section = "Credentials";

    /// <summary>How long a hub trusts what it looked up; a revocation reaches every hub within this time.</summary>
    public TimeSpan CacheTime { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan EnrollmentCodeLifetime { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Enrollment codes and store credentials. Both live in ClickHouse as SHA-256 hashes only, so any
/// number of hubs share them and a leaked database gives no one a working credential.
/// </summary>
public sealed class StoreCredentials(
    ClickHouseStorage storage, StoreRegistry registry, IOptions<CredentialOptions> options, TimeProvider time)
{
    /// <summary>The longest an administrator may make a code valid: a code is a secret in transit, best used soon.</summary>
    public const int MaxCodeValidDays = 30;

    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private readonly ConcurrentDictionary<string, (string? StoreId, DateTimeOffset Until)> _cache = new();

    private sealed record CodeRow(string StoreId, ulong ExpiresUnixMs, int Used);

    private sealed record CredentialRow(string CredentialHash, string StoreId, int Revoked, ulong IssuedUnixMs);

    private const string Credentials =
        "SELECT credential_hash AS CredentialHash, store_id AS StoreId, revoked AS Revoked, issued_unix_ms AS IssuedUnixMs FROM store_credentials FINAL";

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
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        await storage.Database.InsertAsync("enrollment_codes", ["code_hash", "store_id", "expires_unix_ms", "used", "version"],
            new TabSeparatedRows().Row(Hash(raw), storeId, expires.ToUnixTimeMilliseconds(), false, now.ToUnixTimeMilliseconds()),
            cancellationToken).ConfigureAwait(false);
        return new EnrollmentCode(storeId, $"{raw[..4]}-{raw[4..8]}-{raw[8..]}", DateTimeOffset.FromUnixTimeMilliseconds(expires.ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// Every store that ever had a credential or an open code: whether an agent holds a working
    /// credential now, since when (or when the last was revoked), and until when an unused code is valid.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, CredentialStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        // Conditions on columns that change between versions (used, revoked) stay inside the
        // aggregates, so no server setting can apply them before FINAL picks the latest version.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var credentials = await storage.Database.QueryAsync<StatusRow>("""
            SELECT store_id AS StoreId, toUInt32(countIf(revoked = 0)) AS Active,
                   maxIf(issued_unix_ms, revoked = 0) AS LastIssuedMs, maxIf(version, revoked = 1) AS LastRevokedMs
            FROM store_credentials FINAL GROUP BY store_id
            """, cancellationToken).ConfigureAwait(false);
        var codes = (await storage.Database.QueryAsync<OpenCodeRow>($"""
            SELECT store_id AS StoreId, maxIf(expires_unix_ms, used = 0 AND expires_unix_ms > {SqlLiteral.Number(now)}) AS ExpiresMs
            FROM enrollment_codes FINAL GROUP BY store_id HAVING ExpiresMs > 0
            """, cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.StoreId, c => (DateTimeOffset?)Time(c.ExpiresMs), StringComparer.Ordinal);
        var status = credentials.ToDictionary(
            c => c.StoreId,
            c => c.Active > 0
                ? new CredentialStatus(CredentialState.Enrolled, Time(c.LastIssuedMs), (int)c.Active, codes.GetValueOrDefault(c.StoreId))
                : new CredentialStatus(CredentialState.Revoked, Time(c.LastRevokedMs), 0, codes.GetValueOrDefault(c.StoreId)),
            StringComparer.Ordinal);
        foreach (var (storeId, until) in codes)
        {
            status.TryAdd(storeId, new CredentialStatus(CredentialState.Never, null, 0, until));
        }

        return status;

        static DateTimeOffset Time(ulong unixMs) => DateTimeOffset.FromUnixTimeMilliseconds((long)unixMs);
    }

    private sealed record StatusRow(string StoreId, uint Active, ulong LastIssuedMs, ulong LastRevokedMs);

    private sealed record OpenCodeRow(string StoreId, ulong ExpiresMs);

    /// <summary>Exchanges a valid code for a new credential; null when the code is unknown, used or expired.</summary>
    public async Task<(string StoreId, string Credential)?> RedeemAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        var codeHash = Hash(code.Replace("-", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant());
        var rows = await storage.Database.QueryAsync<CodeRow>(
            $"SELECT store_id AS StoreId, expires_unix_ms AS ExpiresUnixMs, used AS Used FROM enrollment_codes FINAL WHERE code_hash = {SqlLiteral.Text(codeHash)}",
            cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (rows is not [var row] || row.Used != 0 || (long)row.ExpiresUnixMs <= now.ToUnixTimeMilliseconds() || registry.Find(row.StoreId) is null)
        {
            return null;
        }

        var version = now.ToUnixTimeMilliseconds();
        await storage.Database.InsertAsync("enrollment_codes", ["code_hash", "store_id", "expires_unix_ms", "used", "version"],
            new TabSeparatedRows().Row(codeHash, row.StoreId, row.ExpiresUnixMs, true, version + 1), cancellationToken).ConfigureAwait(false);
        var credential = Base64Url(RandomNumberGenerator.GetBytes(32));
        await storage.Database.InsertAsync("store_credentials", ["credential_hash", "store_id", "issued_unix_ms", "revoked", "version"],
            new TabSeparatedRows().Row(Hash(credential), row.StoreId, version, false, version), cancellationToken).ConfigureAwait(false);
        return (row.StoreId, credential);
    }

    /// <summary>Revokes every credential of the store; returns how many were active.</summary>
    public async Task<int> RevokeAsync(string storeId, CancellationToken cancellationToken = default)
    {
        // Only the store is filtered in SQL (every version of a credential has the same store): a
        // condition on a column that changes between versions (revoked) is right only while it is
        // applied after FINAL, which a server moving it to PREWHERE (optimize_move_to_prewhere_if_final) breaks.
        var active = (await storage.Database.QueryAsync<CredentialRow>(
            $"{Credentials} WHERE store_id = {SqlLiteral.Text(storeId)}", cancellationToken).ConfigureAwait(false)).Where(c => c.Revoked == 0).ToList();
        var version = time.GetUtcNow().ToUnixTimeMilliseconds() + 1;
        var rows = new TabSeparatedRows();
        foreach (var credential in active)
        {
            rows.Row(credential.CredentialHash, credential.StoreId, credential.IssuedUnixMs, true, version);
            _cache.TryRemove(credential.CredentialHash, out _);
        }

        await storage.Database.InsertAsync("store_credentials", ["credential_hash", "store_id", "issued_unix_ms", "revoked", "version"], rows, cancellationToken).ConfigureAwait(false);
        return active.Count;
    }

    /// <summary>The store a credential belongs to, or null if it is unknown or revoked.</summary>
    public async Task<Store?> AuthenticateAsync(string credential, CancellationToken cancellationToken = default)
    {
        var hash = Hash(credential);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var cached) || cached.Until <= now)
        {
            var rows = await storage.Database.QueryAsync<CredentialRow>(
                $"{Credentials} WHERE credential_hash = {SqlLiteral.Text(hash)}", cancellationToken).ConfigureAwait(false);
            cached = (rows is [{ Revoked: 0 } row] ? row.StoreId : null, now + options.Value.CacheTime);
            _cache[hash] = cached;
        }

        return cached.StoreId is null ? null : registry.Find(cached.StoreId);
    }

    private void RequireStore(string storeId)
    {
        if (registry.Find(storeId) is null)
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
