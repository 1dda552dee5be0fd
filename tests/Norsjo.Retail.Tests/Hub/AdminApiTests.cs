using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The admin page's API on a real hub: only an admin gets in; a code it hands out really enrolls
/// an agent over gRPC, a revocation really locks the agent out, a disabled user really cannot sign
/// in (nor keep the session they had); bad input is a 400 with the reason in Swedish.
/// Each test works on its own store or user, so the order they run in does not matter.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class AdminApiTests(AdminApiTests.Data data) : IClassFixture<AdminApiTests.Data>
{
    private const string Password = Data.Password;
    private readonly RunningHub _hub = data.Hub;

    /// <summary>One hub: butik-a enrolled with a day of sales, butik-b for revoking, butik-c for a code, butik-d never enrolled.</summary>
    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public const string Password = "ett-langt-losenord";
        public static readonly DateOnly SaleDay = new(2026, 11, 20);

        public RunningHub Hub { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a", "butik-b", "butik-c", "butik-d");
            var users = Hub.Services.GetRequiredService<UserStore>();
            await users.SaveAsync("admin", Password, UserRole.Admin, []);
            await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
            await users.SaveAsync("agare-a", Password, UserRole.StoreOwner, ["butik-a"]);
            var credential = await Hub.EnrollAsync("butik-a");
            using var channel = Hub.Channel();
            await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-a", "a-1", Sale("k1", 12_300, SaleDay)), RunningHub.Credential(credential));
        }

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }

    private async Task<HttpClient> SignedInAsync(string user, string password = Password)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = _hub.HttpUrl };
        var login = await http.PostAsJsonAsync("/api/login", new { username = user, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return http;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> StoreAsync(HttpClient admin, string id) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/admin/stores")).EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);

    private static Task<HttpResponseMessage> Post(HttpClient http, string path, object? body = null) =>
        body is null ? http.PostAsync(new Uri(path, UriKind.Relative), null) : http.PostAsJsonAsync(path, body);

    private static readonly (string Method, string Path)[] Routes =
    [
        ("GET", "/api/admin/stores"),
        ("POST", "/api/admin/stores/butik-d/enrollment-codes"),
        ("POST", "/api/admin/stores/butik-a/revoke"),
        ("GET", "/api/admin/users"),
        ("POST", "/api/admin/users"),
        ("POST", "/api/admin/users/agare-a/disable"),
    ];

    [Fact]
    public async Task Only_an_admin_gets_in()
    {
        using var anonymous = new HttpClient { BaseAddress = _hub.HttpUrl };
        using var municipality = await SignedInAsync("kommunen");
        using var owner = await SignedInAsync("agare-a");
        var user = new { username = "inkraktare", password = Password, role = "admin", stores = Array.Empty<string>() };

        foreach (var (method, path) in Routes)
        {
            foreach (var (client, expected) in new[] { (anonymous, HttpStatusCode.Unauthorized), (municipality, HttpStatusCode.Forbidden), (owner, HttpStatusCode.Forbidden) })
            {
                var response = method == "GET" ? await client.GetAsync(new Uri(path, UriKind.Relative)) : await Post(client, path, path.EndsWith("/users", StringComparison.Ordinal) ? user : null);
                Assert.True(expected == response.StatusCode, $"{method} {path}: {response.StatusCode}, expected {expected}");
            }
        }

        // Nothing of what was tried happened.
        using var admin = await SignedInAsync("admin");
        Assert.Equal("enrolled", (await StoreAsync(admin, "butik-a")).GetProperty("credential").GetString());
        Assert.Equal(JsonValueKind.Null, (await StoreAsync(admin, "butik-d")).GetProperty("codeValidUntil").ValueKind);
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users");
        Assert.DoesNotContain("inkraktare", users.EnumerateArray().Select(u => u.GetProperty("username").GetString()));
        Assert.False(users.EnumerateArray().Single(u => u.GetProperty("username").GetString() == "agare-a").GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task The_store_list_shows_every_registry_store_with_its_credential_and_last_delivery()
    {
        using var admin = await SignedInAsync("admin");

        var stores = await admin.GetFromJsonAsync<JsonElement>("/api/admin/stores");

        Assert.Equal(["butik-a", "butik-b", "butik-c", "butik-d"], stores.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var a = stores.EnumerateArray().First();
        Assert.Equal("Test butik-a", a.GetProperty("name").GetString());
        Assert.Equal("Bastuträsk", a.GetProperty("village").GetString());
        Assert.Equal("2020-01-01", a.GetProperty("firstDay").GetString());
        Assert.True(a.GetProperty("reports").GetBoolean());
        Assert.Equal("enrolled", a.GetProperty("credential").GetString());
        Assert.Equal(1, a.GetProperty("activeCredentials").GetInt32());
        Assert.InRange(DateTimeOffset.UtcNow - a.GetProperty("credentialSince").GetDateTimeOffset(), TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Assert.Equal(Data.SaleDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), a.GetProperty("lastSale").GetString());
        Assert.InRange(a.GetProperty("minutesSinceUpload").GetDouble(), 0, 10);
        var d = stores.EnumerateArray().Last();
        Assert.Equal("never", d.GetProperty("credential").GetString());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("credentialSince").ValueKind);
        Assert.Equal(JsonValueKind.Null, d.GetProperty("lastUpload").ValueKind);
    }

    [Fact]
    public async Task A_code_from_the_admin_api_enrolls_an_agent_once()
    {
        using var admin = await SignedInAsync("admin");

        var issued = await Json(await Post(admin, "/api/admin/stores/butik-c/enrollment-codes", new { validDays = 3 }));
        var code = issued.GetProperty("code").GetString()!;
        var expires = issued.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", code);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(3) - TimeSpan.FromMinutes(10), TimeSpan.FromDays(3));
        Assert.Equal($"Norsjo.Retail.Agent enroll --code {code}", issued.GetProperty("agentCommand").GetString());
        var waiting = await StoreAsync(admin, "butik-c");
        Assert.Equal("never", waiting.GetProperty("credential").GetString());
        Assert.Equal(expires, waiting.GetProperty("codeValidUntil").GetDateTimeOffset());
        // The code is shown once: nothing else the API answers contains it.
        Assert.DoesNotContain(code, await admin.GetStringAsync(new Uri("/api/admin/stores", UriKind.Relative)), StringComparison.Ordinal);

        using var channel = _hub.Channel();
        var enrollment = new Enrollment.EnrollmentClient(channel);
        var reply = await enrollment.EnrollAsync(new EnrollRequest { Code = code });
        Assert.Equal("butik-c", reply.StoreId);
        var ack = await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-c", "c-1", Sale("k1", 5_000, Data.SaleDay)), RunningHub.Credential(reply.Credential));
        Assert.NotNull(ack);
        var again = await Assert.ThrowsAsync<RpcException>(() => enrollment.EnrollAsync(new EnrollRequest { Code = code }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, again.StatusCode);

        var enrolled = await StoreAsync(admin, "butik-c");
        Assert.Equal("enrolled", enrolled.GetProperty("credential").GetString());
        Assert.Equal(JsonValueKind.Null, enrolled.GetProperty("codeValidUntil").ValueKind);
        Assert.Equal(Data.SaleDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), enrolled.GetProperty("lastSale").GetString());

        // Without a body the code is valid for the configured default, 7 days.
        var standard = await Json(await Post(admin, "/api/admin/stores/butik-c/enrollment-codes"));
        Assert.InRange(standard.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(10), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task Revoking_through_the_admin_api_locks_the_agent_out()
    {
        var credential = await _hub.EnrollAsync("butik-b");
        using var channel = _hub.Channel();
        var ingest = new Ingest.IngestClient(channel);
        await ingest.UploadBatchAsync(Batch("butik-b", "b-1", Sale("k1", 700, Data.SaleDay)), RunningHub.Credential(credential));
        using var admin = await SignedInAsync("admin");

        var revoked = await Json(await Post(admin, "/api/admin/stores/butik-b/revoke"));

        Assert.Equal(1, revoked.GetProperty("credentials").GetInt32());
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            ingest.UploadBatchAsync(Batch("butik-b", "b-2", Sale("k2", 700, Data.SaleDay)), RunningHub.Credential(credential)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var store = await StoreAsync(admin, "butik-b");
        Assert.Equal("revoked", store.GetProperty("credential").GetString());
        Assert.Equal(0, store.GetProperty("activeCredentials").GetInt32());
        Assert.InRange(DateTimeOffset.UtcNow - store.GetProperty("credentialSince").GetDateTimeOffset(), TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(10));
        Assert.Equal(0, (await Json(await Post(admin, "/api/admin/stores/butik-b/revoke"))).GetProperty("credentials").GetInt32());
    }

    [Fact]
    public async Task A_user_added_through_the_api_signs_in_is_listed_without_a_hash_and_once_disabled_is_locked_out()
    {
        using var admin = await SignedInAsync("admin");
        const string NewPassword = "ett-annat-langt-losenord";

        var added = await Json(await Post(admin, "/api/admin/users", new { username = "ny-agare", password = NewPassword, role = "store_owner", stores = new[] { "butik-a" } }));
        Assert.Equal("store_owner", added.GetProperty("role").GetString());

        var listed = await admin.GetStringAsync(new Uri("/api/admin/users", UriKind.Relative));
        var user = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single(u => u.GetProperty("username").GetString() == "ny-agare");
        Assert.Equal(["butik-a"], user.GetProperty("stores").EnumerateArray().Select(s => s.GetString()));
        Assert.False(user.GetProperty("disabled").GetBoolean());
        Assert.Equal(["disabled", "municipality", "role", "stores", "username"], user.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("pbkdf2", listed, StringComparison.Ordinal);

        using var session = await SignedInAsync("ny-agare", NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/stores/butik-a/freshness", UriKind.Relative))).StatusCode);

        Assert.True((await Json(await Post(admin, "/api/admin/users/ny-agare/disable"))).GetProperty("disabled").GetBoolean());

        using var anonymous = new HttpClient { BaseAddress = _hub.HttpUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/login", new { username = "ny-agare", password = NewPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/stores/butik-a/freshness", UriKind.Relative))).StatusCode);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/admin/users")).EnumerateArray()
            .Single(u => u.GetProperty("username").GetString() == "ny-agare").GetProperty("disabled").GetBoolean());

        // Saving the user again (a new password) enables them again.
        await Json(await Post(admin, "/api/admin/users", new { username = "ny-agare", password = NewPassword + "2", role = "store_owner", stores = new[] { "butik-a" } }));
        using var back = await SignedInAsync("ny-agare", NewPassword + "2");

        var unknown = await Post(admin, "/api/admin/users/finns-inte/disable");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    public static TheoryData<string, string?, string> BadInput() => new()
    {
        { "/api/admin/stores/butik-d/enrollment-codes", """{"validDays":0}""", "1–30 dagar" },
        { "/api/admin/stores/butik-d/enrollment-codes", """{"validDays":31}""", "1–30 dagar" },
        { "/api/admin/stores/finns-inte/enrollment-codes", null, "finns inte i butiksregistret" },
        { "/api/admin/stores/finns-inte/revoke", null, "finns inte i butiksregistret" },
        { "/api/admin/users", """{"username":"kort-losen","password":"kort","role":"municipality","stores":[]}""", "minst 10 tecken" },
        { "/api/admin/users", """{"username":"å ä","password":"ett-langt-losenord","role":"municipality","stores":[]}""", "användarnamn" },
        { "/api/admin/users", """{"username":"ny","password":"ett-langt-losenord","role":"kung","stores":[]}""", "Okänd roll 'kung'" },
        { "/api/admin/users", """{"username":"ny","password":"ett-langt-losenord","role":"store_owner","stores":[]}""", "En butiksägare behöver" },
        { "/api/admin/users", """{"username":"ny","password":"ett-langt-losenord","role":"store_owner","stores":["finns-inte"]}""", "Butiken 'finns-inte'" },
        { "/api/admin/users", """{"password":"ett-langt-losenord","role":"municipality"}""", "användarnamn" },
        { "/api/admin/users", """{"username":"admin","password":"ett-langt-losenord","role":"municipality","stores":[]}""", "din egen administratörsroll" },
        { "/api/admin/users/admin/disable", null, "stänga av dig själv" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_gets_a_400_with_the_reason_in_Swedish(string path, string? body, string reason)
    {
        using var admin = await SignedInAsync("admin");

        using var content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await admin.PostAsync(new Uri(path, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The admin is still an admin and still signed in.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode);
    }
}
