using System.Security.Cryptography;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Users;

public enum UserRole
{
    StoreOwner,
    Municipality,
    Admin,
}

/// <summary>A person who may see dashboards: a store owner sees their stores only.</summary>
public sealed record User(string Username, UserRole Role, IReadOnlyList<string> Stores);

/// <summary>
/// Dashboard users, kept in ClickHouse so every hub knows them. Passwords are stored only as
/// salted PBKDF2-SHA256 hashes.
/// </summary>
public sealed class UserStore(ClickHouseStorage storage, StoreRegistry registry, TimeProvider time)
{
    private const int Iterations = 100_000;

    private sealed record Row(string Username, string PasswordHash, string Role, string[] Stores, int Disabled);

    public async Task SaveAsync(string username, string password, UserRole role, IReadOnlyList<string> stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        if (username.Length is < 2 or > 64 || !username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            throw new ArgumentException("A username is 2–64 letters, digits, '.', '-', '_' or '@'.", nameof(username));
        }

        if (password.Length < 10)
        {
            throw new ArgumentException("A password needs at least 10 characters.", nameof(password));
        }

        if (role == UserRole.StoreOwner && (stores.Count == 0 || stores.Any(s => registry.Find(s) is null)))
        {
            throw new ArgumentException("A store owner needs one or more stores from the registry.", nameof(stores));
        }

        var row = new TabSeparatedRows().Row(username, Hash(password), RoleName(role),
            "[" + string.Join(",", stores.Select(SqlLiteral.Text)) + "]", false, time.GetUtcNow().ToUnixTimeMilliseconds());
        await storage.Database.InsertAsync("users", ["username", "password_hash", "role", "stores", "disabled", "version"], row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user, if the password is theirs; null otherwise (the same answer for an unknown name).</summary>
    public async Task<User?> VerifyAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        var rows = await storage.Database.QueryAsync<Row>(
            $"SELECT username AS Username, password_hash AS PasswordHash, toString(role) AS Role, stores AS Stores, disabled AS Disabled FROM users FINAL WHERE username = {SqlLiteral.Text(username)}",
            cancellationToken).ConfigureAwait(false);
        if (rows is not [{ Disabled: 0 } row])
        {
            Hash(password); // the same work either way, so timing does not tell which names exist
            return null;
        }

        return Verify(password, row.PasswordHash) ? new User(row.Username, ParseRole(row.Role), row.Stores) : null;
    }

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not ["pbkdf2-sha256", var iterations, var salt, var hash] || !int.TryParse(iterations, System.Globalization.CultureInfo.InvariantCulture, out var n))
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
        _ => "admin",
    };

    public static UserRole ParseRole(string role) => role switch
    {
        "store_owner" => UserRole.StoreOwner,
        "municipality" => UserRole.Municipality,
        "admin" => UserRole.Admin,
        _ => throw new ArgumentException($"Unknown role '{role}' (store_owner, municipality or admin).", nameof(role)),
    };
}
