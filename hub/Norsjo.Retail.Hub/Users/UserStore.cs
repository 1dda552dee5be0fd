using System.Collections.Concurrent;
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

/// <summary>A user as an administrator sees them: never the password hash.</summary>
public sealed record UserAccount(string Username, UserRole Role, IReadOnlyList<string> Stores, bool Disabled);

/// <summary>
/// Dashboard users, kept in ClickHouse so every hub knows them. Passwords are stored only as
/// salted PBKDF2-SHA256 hashes.
/// </summary>
public sealed class UserStore(ClickHouseStorage storage, StoreRegistry registry, TimeProvider time)
{
    private const int Iterations = 100_000;

    private sealed record Row(string Username, string PasswordHash, string Role, string[] Stores, int Disabled);

    /// <summary>Adds a user, or changes one (a new password, role or stores; a disabled user is enabled again).</summary>
    /// <exception cref="ArgumentException">The input breaks a rule; the message says which, in Swedish, for the administrator.</exception>
    public async Task SaveAsync(string username, string password, UserRole role, IReadOnlyList<string> stores, CancellationToken cancellationToken = default)
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

        if (stores.FirstOrDefault(s => registry.Find(s) is null) is { } unknown)
        {
            throw new ArgumentException($"Butiken '{unknown}' finns inte i butiksregistret.");
        }

        if (role == UserRole.StoreOwner && stores.Count == 0)
        {
            throw new ArgumentException("En butiksägare behöver en eller flera butiker ur butiksregistret.");
        }

        var version = await NextVersionAsync(username, cancellationToken).ConfigureAwait(false);
        await WriteAsync(new Row(username, Hash(password), RoleName(role), [.. stores], 0), version, cancellationToken).ConfigureAwait(false);
        _active.TryRemove(username, out _);
    }

    /// <summary>Every user, without password hashes, by name.</summary>
    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default) =>
        (await storage.Database.QueryAsync<Row>($"{Select} ORDER BY username", cancellationToken).ConfigureAwait(false))
            .Select(r => new UserAccount(r.Username, ParseRole(r.Role), r.Stores, r.Disabled != 0)).ToList();

    /// <summary>Stops a user from signing in (the row stays, so the name is not silently reused); false if there is no such user.</summary>
    public async Task<bool> DisableAsync(string username, CancellationToken cancellationToken = default)
    {
        if (!IsUsername(username) || await FindAsync(username, cancellationToken).ConfigureAwait(false) is not { } row)
        {
            return false;
        }

        var version = await NextVersionAsync(username, cancellationToken).ConfigureAwait(false);
        await WriteAsync(row with { Disabled = 1 }, version, cancellationToken).ConfigureAwait(false);
        _active.TryRemove(username, out _);
        return true;
    }

    /// <summary>
    /// Whether the user exists and is not disabled, asked on every signed-in request: looked up at
    /// most every <see cref="ActiveCacheTime"/>, so a user disabled through another hub loses their
    /// session within that time (through this hub at once).
    /// </summary>
    public async Task<bool> IsActiveAsync(string username, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (!_active.TryGetValue(username, out var cached) || cached.Until <= now)
        {
            var active = IsUsername(username) && await FindAsync(username, cancellationToken).ConfigureAwait(false) is { Disabled: 0 };
            cached = (active, now + ActiveCacheTime);
            _active[username] = cached;
        }

        return cached.Active;
    }

    public static readonly TimeSpan ActiveCacheTime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (bool Active, DateTimeOffset Until)> _active = new(StringComparer.Ordinal);

    private const string Select =
        "SELECT username AS Username, password_hash AS PasswordHash, toString(role) AS Role, stores AS Stores, disabled AS Disabled FROM users FINAL";

    private static bool IsUsername(string? username) =>
        username is { Length: >= 2 and <= 64 } && username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@');

    private async Task<Row?> FindAsync(string username, CancellationToken cancellationToken) =>
        (await storage.Database.QueryAsync<Row>($"{Select} WHERE username = {SqlLiteral.Text(username)}", cancellationToken).ConfigureAwait(false)) is [var row]
            ? row
            : null;

    /// <summary>
    /// Later than every stored version of the user, so a change made within the same millisecond as
    /// the one before it still wins (ReplacingMergeTree keeps the highest version).
    /// </summary>
    private async Task<long> NextVersionAsync(string username, CancellationToken cancellationToken)
    {
        var stored = await storage.Database.QueryAsync<VersionRow>(
            $"SELECT max(version) AS Version FROM users WHERE username = {SqlLiteral.Text(username)}", cancellationToken).ConfigureAwait(false);
        var latest = stored is [var v] ? (long)v.Version : 0;
        return Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), latest + 1);
    }

    private sealed record VersionRow(ulong Version);

    private Task WriteAsync(Row row, long version, CancellationToken cancellationToken) =>
        storage.Database.InsertAsync("users", ["username", "password_hash", "role", "stores", "disabled", "version"],
            new TabSeparatedRows().Row(row.Username, row.PasswordHash, row.Role,
                "[" + string.Join(",", row.Stores.Select(SqlLiteral.Text)) + "]", row.Disabled != 0, version), cancellationToken);

    /// <summary>The user, if the password is theirs; null otherwise (the same answer for an unknown name).</summary>
    public async Task<User?> VerifyAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        var found = IsUsername(username) ? await FindAsync(username, cancellationToken).ConfigureAwait(false) : null;
        if (found is not { Disabled: 0 } row)
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
        _ => throw new ArgumentException($"Okänd roll '{role}': store_owner, municipality eller admin."),
    };
}
