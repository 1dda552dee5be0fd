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
    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private readonly ConcurrentDictionary<string, (string? StoreId, DateTimeOffset Until)> _cache = new();

    private sealed record CodeRow(string StoreId, ulong ExpiresUnixMs, int Used);

    private sealed record CredentialRow(string CredentialHash, string StoreId, int Revoked, ulong IssuedUnixMs);

    private const string Credentials =
        "SELECT credential_hash AS CredentialHash, store_id AS StoreId, revoked AS Revoked, issued_unix_ms AS IssuedUnixMs FROM store_credentials FINAL";

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A new one-time code for a registered store, e.g. "K7QM-3XPA-9RTD".</summary>
    public async Task<string> IssueEnrollmentCodeAsync(string storeId, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        RequireStore(storeId);
        var raw = RandomNumberGenerator.GetString(CodeAlphabet, 12);
        var now = time.GetUtcNow();
        var expires = now + (lifetime ?? options.Value.EnrollmentCodeLifetime);
        await storage.Database.InsertAsync("enrollment_codes", ["code_hash", "store_id", "expires_unix_ms", "used", "version"],
            new TabSeparatedRows().Row(Hash(raw), storeId, expires.ToUnixTimeMilliseconds(), false, now.ToUnixTimeMilliseconds()),
            cancellationToken).ConfigureAwait(false);
        return $"{raw[..4]}-{raw[4..8]}-{raw[8..]}";
    }

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
        var active = await storage.Database.QueryAsync<CredentialRow>(
            $"{Credentials} WHERE store_id = {SqlLiteral.Text(storeId)} AND revoked = 0", cancellationToken).ConfigureAwait(false);
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
