using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.Users;

public enum UserRole
{
    StoreOwner,
    Municipality,
    Admin,

    /// <summary>Municipal staff who keep the registry's facts on /admin (stores, years, categories, subsidy rules); sees what the municipality sees.</summary>
    MunicipalityEditor,

    /// <summary>The region (or a national agency): every municipality's index, coverage, trend and service watch side by side, as each municipality may see them.</summary>
    Region,
}

/// <summary>A person who may see dashboards: a store owner sees their stores only; municipal staff their <see cref="Municipality"/> only.</summary>
public sealed record User(string Username, UserRole Role, IReadOnlyList<string> Stores)
{
    public string Municipality { get; init; } = Tenancy.Municipality.FirstId;
}

/// <summary>A user as an administrator sees them: never the password hash.</summary>
public sealed record UserAccount(string Username, UserRole Role, IReadOnlyList<string> Stores, bool Disabled)
{
    public string Municipality { get; init; } = Tenancy.Municipality.FirstId;
}

/// <summary>
/// Dashboard users, in the operational store so every hub of the deployment knows them at once.
/// Passwords are hashed by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>; a hash of an
/// older kind (the hub's own PBKDF2-SHA256, or fewer iterations) is replaced at the next sign-in.
/// </summary>
public sealed class UserStore(OperationalStore store, Tenancy.Municipalities municipalities, TimeProvider time)
{
    private const string LegacyPrefix = "pbkdf2-sha256$";
    private static readonly PasswordHasher<User> Hasher = new();
    private static readonly User Nobody = new("nobody", UserRole.StoreOwner, []);

    /// <summary>A row as Dapper fills it (properties, so SQLite's 64-bit and PostgreSQL's 32-bit integers both fit).</summary>
    private sealed class Row
    {
        public string Username { get; set; } = string.Empty;

        public string PasswordHash { get; set; } = string.Empty;

        public string Role { get; set; } = string.Empty;

        public string Stores { get; set; } = string.Empty;

        public long Disabled { get; set; }

        public string Municipality { get; set; } = Tenancy.Municipality.FirstId;

        public User User => new(Username, ParseRole(Role), StoreList(Stores)) { Municipality = Municipality };
    }

    /// <summary>Adds a user, or changes one (a new password, role or stores; a disabled user is enabled again).</summary>
    /// <exception cref="ArgumentException">The input breaks a rule; the message says which, in Swedish, for the administrator.</exception>
    public Task SaveAsync(string username, string password, UserRole role, IReadOnlyList<string> stores, CancellationToken cancellationToken = default) =>
        SaveAsync(username, password, role, stores, null, cancellationToken);

    /// <param name="municipality">Whose figures municipal staff see (the first municipality when null); a store owner's stores say it for them.</param>
    public async Task SaveAsync(string username, string password, UserRole role, IReadOnlyList<string> stores, string? municipality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        if (!IsUsername(username))
        {
            throw new ArgumentException("Ett användarnamn har 2–64 tecken: bokstäverna a–z, siffror, '.', '-', '_' eller '@'.");
        }

        if (password is null || password.Length < 10)
        {
            throw new ArgumentException("Lösenordet måste ha minst 10 tecken.");
        }

        municipality ??= Tenancy.Municipality.FirstId;
        if (municipalities.Find(municipality) is null)
        {
            throw new ArgumentException($"Kommunen '{municipality}' finns inte på navet.");
        }

        if (stores.FirstOrDefault(s => municipalities.FindStore(s) is null) is { } unknown)
        {
            throw new ArgumentException($"Butiken '{unknown}' finns inte i butiksregistret.");
        }

        if (role == UserRole.StoreOwner && stores.Count == 0)
        {
            throw new ArgumentException("En butiksägare behöver en eller flera butiker ur butiksregistret.");
        }

        var user = new User(username, role, [.. stores]) { Municipality = municipality };
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("""
            INSERT INTO users (username, password_hash, role, stores, disabled, changed_unix_ms, municipality)
            VALUES (@Username, @Hash, @Role, @Stores, 0, @Now, @Municipality)
            ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role,
                stores = excluded.stores, disabled = 0, changed_unix_ms = excluded.changed_unix_ms, municipality = excluded.municipality
            """, new { Username = username, Hash = Hasher.HashPassword(user, password), Role = RoleName(role), Stores = string.Join(',', stores), Now = Now(), Municipality = municipality })
            .ConfigureAwait(false);
    }

    /// <summary>Every user, without password hashes, by name.</summary>
    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<Row>($"{Select} ORDER BY username").ConfigureAwait(false))
            .Select(r => new UserAccount(r.Username, ParseRole(r.Role), StoreList(r.Stores), r.Disabled != 0) { Municipality = r.Municipality }).ToList();
    }

    /// <summary>
    /// Stops a user from signing in and ends every session they hold, on every hub (the row stays,
    /// so the name is not silently reused); false if there is no such user.
    /// </summary>
    public async Task<bool> DisableAsync(string username, CancellationToken cancellationToken = default)
    {
        if (!IsUsername(username))
        {
            return false;
        }

        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync("UPDATE users SET disabled = 1, changed_unix_ms = @Now WHERE username = @username",
            new { username, Now = Now() }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM sessions WHERE username = @username", new { username }, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    /// <summary>The user as they are now, if they exist and are not disabled: what a session may do is asked here on every request.</summary>
    public async Task<User?> ActiveAsync(string username, CancellationToken cancellationToken = default)
    {
        if (!IsUsername(username))
        {
            return null;
        }

        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE username = @username", new { username }).ConfigureAwait(false);
        return row is { Disabled: 0 } ? row.User : null;
    }

    /// <summary>The user, if the password is theirs; null otherwise (the same answer, and the same work, for an unknown name).</summary>
    public async Task<User?> VerifyAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        Row? found = null;
        if (IsUsername(username))
        {
            await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            found = await connection.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE username = @username", new { username }).ConfigureAwait(false);
        }

        if (found is not { Disabled: 0 } row)
        {
            Hasher.HashPassword(Nobody, password); // so timing does not tell which names exist
            return null;
        }

        var user = row.User;
        var result = row.PasswordHash.StartsWith(LegacyPrefix, StringComparison.Ordinal)
            ? (VerifyLegacy(password, row.PasswordHash) ? PasswordVerificationResult.SuccessRehashNeeded : PasswordVerificationResult.Failed)
            : Hasher.VerifyHashedPassword(user, row.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("UPDATE users SET password_hash = @Hash WHERE username = @username AND password_hash = @Old",
                new { username, Hash = Hasher.HashPassword(user, password), Old = row.PasswordHash }).ConfigureAwait(false);
        }

        return user;
    }

    private const string Select = "SELECT username AS Username, password_hash AS PasswordHash, role AS Role, stores AS Stores, disabled AS Disabled, municipality AS Municipality FROM users";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string[] StoreList(string stores) => stores.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static bool IsUsername(string? username) =>
        username is { Length: >= 2 and <= 64 } && username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@');

    /// <summary>The hashes hubs wrote before Identity's hasher: "pbkdf2-sha256$iterations$salt$hash".</summary>
    private static bool VerifyLegacy(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not [_, var iterations, var salt, var hash] || !int.TryParse(iterations, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return false;
        }

        var expected = Convert.FromBase64String(hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(salt), n, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static string RoleName(UserRole role) => role switch
    {
        UserRole.StoreOwner => "store_owner",
        UserRole.Municipality => "municipality",
        UserRole.MunicipalityEditor => "municipality_editor",
        UserRole.Region => "region",
        _ => "admin",
    };

    public static UserRole ParseRole(string role) => role switch
    {
        "store_owner" => UserRole.StoreOwner,
        "municipality" => UserRole.Municipality,
        "admin" => UserRole.Admin,
        "municipality_editor" => UserRole.MunicipalityEditor,
        "region" => UserRole.Region,
        _ => throw new ArgumentException($"Okänd roll '{role}': store_owner, municipality, municipality_editor, region eller admin."),
    };
}
