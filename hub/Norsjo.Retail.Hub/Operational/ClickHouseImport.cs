using Dapper;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Operational;

/// <summary>
/// Hubs before the operational store kept users, store credentials and enrollment codes in
/// ClickHouse. On start-up their latest rows are copied once into the operational store (in one
/// transaction, recorded as a step, so two hubs starting together copy once); a row already in the
/// store wins. The ClickHouse tables are left as they were: nothing is lost if this hub is rolled back.
/// </summary>
public sealed partial class ClickHouseImport(OperationalStore store, ClickHouseStorage clickHouse, ILogger<ClickHouseImport> logger)
{
    private sealed record UserRow(string Username, string PasswordHash, string Role, string[] Stores, int Disabled, ulong Version);

    private sealed record CredentialRow(string CredentialHash, string StoreId, ulong IssuedUnixMs, int Revoked, ulong Version);

    private sealed record CodeRow(string CodeHash, string StoreId, ulong ExpiresUnixMs, int Used, ulong Version);

    public Task RunAsync(CancellationToken cancellationToken = default) => store.ExclusiveAsync(async (connection, transaction) =>
    {
        if (await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM operational_migrations WHERE version = @Version",
            new { Version = OperationalSchema.ClickHouseImportVersion }, transaction).ConfigureAwait(false) > 0)
        {
            return false;
        }

        var database = clickHouse.Database;
        var users = await database.QueryAsync<UserRow>(
            "SELECT username AS Username, password_hash AS PasswordHash, toString(role) AS Role, stores AS Stores, disabled AS Disabled, version AS Version FROM users FINAL",
            cancellationToken).ConfigureAwait(false);
        var credentials = await database.QueryAsync<CredentialRow>(
            "SELECT credential_hash AS CredentialHash, store_id AS StoreId, issued_unix_ms AS IssuedUnixMs, revoked AS Revoked, version AS Version FROM store_credentials FINAL",
            cancellationToken).ConfigureAwait(false);
        var codes = await database.QueryAsync<CodeRow>(
            "SELECT code_hash AS CodeHash, store_id AS StoreId, expires_unix_ms AS ExpiresUnixMs, used AS Used, version AS Version FROM enrollment_codes FINAL",
            cancellationToken).ConfigureAwait(false);

        await connection.ExecuteAsync("""
            INSERT INTO users (username, password_hash, role, stores, disabled, changed_unix_ms)
            VALUES (@Username, @PasswordHash, @Role, @Stores, @Disabled, @Version) ON CONFLICT DO NOTHING
            """, users.Select(u => new { u.Username, u.PasswordHash, u.Role, Stores = string.Join(',', u.Stores), u.Disabled, Version = (long)u.Version }),
            transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("""
            INSERT INTO store_credentials (credential_hash, store_id, issued_unix_ms, revoked, revoked_unix_ms)
            VALUES (@CredentialHash, @StoreId, @Issued, @Revoked, @RevokedAt) ON CONFLICT DO NOTHING
            """, credentials.Select(c => new
        {
            c.CredentialHash,
            c.StoreId,
            Issued = (long)c.IssuedUnixMs,
            c.Revoked,
            RevokedAt = c.Revoked != 0 ? (long)c.Version : 0L,
        }), transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("""
            INSERT INTO enrollment_codes (code_hash, store_id, expires_unix_ms, used, used_unix_ms)
            VALUES (@CodeHash, @StoreId, @Expires, @Used, @UsedAt) ON CONFLICT DO NOTHING
            """, codes.Select(c => new { c.CodeHash, c.StoreId, Expires = (long)c.ExpiresUnixMs, c.Used, UsedAt = c.Used != 0 ? (long)c.Version : 0L }),
            transaction).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO operational_migrations (version, name, applied_unix_ms) VALUES (@Version, 'copied from ClickHouse', @Now)",
            new { Version = OperationalSchema.ClickHouseImportVersion, Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction).ConfigureAwait(false);
        LogImported(logger, users.Count, credentials.Count, codes.Count);
        return true;
    }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Users} users, {Credentials} store credentials and {Codes} enrollment codes from ClickHouse into the operational store")]
    private static partial void LogImported(ILogger logger, int users, int credentials, int codes);
}
