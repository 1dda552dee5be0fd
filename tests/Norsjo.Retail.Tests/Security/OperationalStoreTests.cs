using System.Net;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Security.Browserless;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Security;

/// <summary>
/// Users, sessions, credentials, codes and the key ring in the operational store (SQLite, or
/// PostgreSQL): a code redeemed once however many ask at the same moment, an older hub's rows copied
/// from ClickHouse on start-up, and cookies that open only their own deployment.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class OperationalStoreTests(ClickHouseServerFixture clickHouse)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_code_redeemed_by_ten_concurrent_calls_gives_exactly_one_credential(bool postgres)
    {
        await using var server = postgres ? await PostgresServer.StartAsync() : null;
        string[] args = server is null ? [] : ["--Operational:PostgreSql=" + server.ConnectionString];
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: args), "butik-a");
        var credentials = hub.Services.GetRequiredService<StoreCredentials>();
        var code = await credentials.IssueEnrollmentCodeAsync("butik-a");
        using var channel = hub.Channel();
        var client = new Enrollment.EnrollmentClient(channel);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                return (await client.EnrollAsync(new EnrollRequest { Code = code })).Credential;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                return null;
            }
        }));

        var issued = Assert.Single(attempts, a => a is not null);
        Assert.Equal(1, (await credentials.StatusAsync())["butik-a"].ActiveCredentials);
        var reply = await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-a", "b-1", Sale("k1", 5_000, new DateOnly(2026, 11, 2))), RunningHub.Credential(issued!));
        Assert.NotNull(reply);
    }

    [Fact]
    public async Task An_older_hub_s_users_credentials_and_codes_are_copied_from_ClickHouse_and_an_old_hash_is_replaced_at_sign_in()
    {
        // What a hub before the operational store left in ClickHouse.
        using var old = await clickHouse.MigratedDatabaseAsync();
        const string credential = "gammal-nyckel-till-butik-a";
        const string code = "ABCDEFGHJKMN";
        var version = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await old.InsertAsync("users", ["username", "password_hash", "role", "stores", "disabled", "version"],
            new TabSeparatedRows().Row("gammal-admin", LegacyHash(Password), "admin", "[]", false, version)
                .Row("gammal-agare", LegacyHash(Password), "store_owner", "['butik-a']", true, version));
        await old.InsertAsync("store_credentials", ["credential_hash", "store_id", "issued_unix_ms", "revoked", "version"],
            new TabSeparatedRows().Row(StoreCredentials.Hash(credential), "butik-a", version, false, version)
                .Row(StoreCredentials.Hash("aterkallad"), "butik-a", version, true, version + 1));
        await old.InsertAsync("enrollment_codes", ["code_hash", "store_id", "expires_unix_ms", "used", "version"],
            new TabSeparatedRows().Row(StoreCredentials.Hash(code), "butik-a", version + 86_400_000, false, version)
                .Row(StoreCredentials.Hash("USEDUSEDUSED"), "butik-a", version + 86_400_000, true, version));

        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: old.Name), "butik-a");

        using var admin = await SignedInAsync(hub.HttpUrl, "gammal-admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(Client(hub.HttpUrl), "gammal-agare", Password)).StatusCode); // disabled stays disabled
        var stored = await StoredHashAsync(old.Name, "gammal-admin");
        Assert.False(stored.StartsWith("pbkdf2-sha256$", StringComparison.Ordinal), stored);
        Assert.Equal(0x01, Convert.FromBase64String(stored)[0]); // Identity's PasswordHasher, version 3
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(Client(hub.HttpUrl), "gammal-admin", Password)).StatusCode); // and the new hash works

        using var channel = hub.Channel();
        var ingest = new Ingest.IngestClient(channel);
        await ingest.UploadBatchAsync(Batch("butik-a", "gammal-1", Sale("k1", 5_000, new DateOnly(2026, 11, 2))), RunningHub.Credential(credential));
        var revoked = await Assert.ThrowsAsync<RpcException>(() => ingest.UploadBatchAsync(
            Batch("butik-a", "gammal-2", Sale("k2", 5_000, new DateOnly(2026, 11, 2))), RunningHub.Credential("aterkallad")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        var enrollment = new Enrollment.EnrollmentClient(channel);
        Assert.Equal("butik-a", (await enrollment.EnrollAsync(new EnrollRequest { Code = "ABCD-EFGH-JKMN" })).StoreId);
        var used = await Assert.ThrowsAsync<RpcException>(() => enrollment.EnrollAsync(new EnrollRequest { Code = "USEDUSEDUSED" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, used.StatusCode);

        // A restart copies nothing again: a user changed since is not put back as it was.
        await hub.Services.GetRequiredService<UserStore>().DisableAsync("gammal-admin");
        await using var restarted = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: old.Name), "butik-a");
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(Client(restarted.HttpUrl), "gammal-admin", Password)).StatusCode);
    }

    [Fact]
    public async Task Two_hubs_of_one_deployment_share_sessions_and_another_deployment_s_cookie_opens_nothing()
    {
        await using var first = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        await using var second = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: first.Database.Name), "butik-a");
        // Another deployment on the same machine, even in the same folder, with a user of the same name and password.
        await using var other = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--contentRoot=" + first.ContentRoot]), "butik-a");
        await first.Services.GetRequiredService<UserStore>().SaveAsync("admin", Password, UserRole.Admin, []);
        await other.Services.GetRequiredService<UserStore>().SaveAsync("admin", Password, UserRole.Admin, []);
        var cookies = new CookieContainer();
        using var browser = Client(first.HttpUrl, cookies);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(browser, "admin", Password)).StatusCode);
        var cookie = SessionCookie(browser, first.HttpUrl, cookies);

        Assert.Equal(HttpStatusCode.OK, (await WithCookie(second.HttpUrl, cookie).GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(other.HttpUrl, cookie).GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode);
    }

    private static HttpClient WithCookie(Uri hub, string cookie)
    {
        var http = Client(hub);
        http.DefaultRequestHeaders.Add("Cookie", "norsjo.session=" + cookie);
        return http;
    }

    /// <summary>The salted PBKDF2-SHA256 hash hubs wrote before Identity's hasher.</summary>
    private static string LegacyHash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, 100_000, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256$100000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    private static async Task<string> StoredHashAsync(string database, string username)
    {
        var path = RunningHub.OperationalStorePath(database);
        Assert.True(File.Exists(path), "no operational store at " + path);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM users WHERE username = $name";
        command.Parameters.AddWithValue("$name", username);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
