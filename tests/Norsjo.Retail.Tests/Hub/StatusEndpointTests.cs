using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>/status tells anyone whether the hub is up; what has arrived per store is for admins; no address or secret for anyone.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class StatusEndpointTests(ClickHouseServerFixture clickHouse)
{
    private const string Password = "ett-langt-losenord";

    [Fact]
    public async Task Status_says_only_up_to_anonymous_callers_and_store_detail_to_admins_with_no_address_anywhere()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a", "butik-b");
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("admin", Password, UserRole.Admin, []);
        await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
        using var channel = hub.Channel();
        await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-a", "b1", Sale("k1", 1_000), Sale("k2", 2_000)), RunningHub.Credential(await hub.EnrollAsync("butik-a")));

        using var anonymous = new HttpClient { BaseAddress = hub.HttpUrl };
        var open = await anonymous.GetAsync(new Uri("/status", UriKind.Relative));
        var openBody = await open.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        var openJson = JsonDocument.Parse(openBody).RootElement;
        Assert.Equal(["status"], openJson.EnumerateObject().Select(p => p.Name));
        Assert.Equal("up", openJson.GetProperty("status").GetString());

        foreach (var (user, seesStores) in new[] { ("kommunen", false), ("admin", true) })
        {
            using var signedIn = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
            Assert.Equal(HttpStatusCode.OK, (await signedIn.PostAsJsonAsync("/api/login", new { username = user, password = Password })).StatusCode);
            var body = await signedIn.GetStringAsync(new Uri("/status", UriKind.Relative));
            var json = JsonDocument.Parse(body).RootElement;
            Assert.Equal("up", json.GetProperty("status").GetString());
            Assert.Equal(seesStores, json.TryGetProperty("stores", out var stores));
            if (seesStores)
            {
                var a = stores.EnumerateArray().Single(s => s.GetProperty("storeId").GetString() == "butik-a");
                Assert.Equal(2, a.GetProperty("receipts").GetInt64());
            }

            foreach (var text in new[] { body, openBody })
            {
                Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
                Assert.DoesNotContain("\"url\"", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
