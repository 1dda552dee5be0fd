using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Security.Browserless;

namespace Norsjo.Retail.Tests.Security;

/// <summary>Password guessing is throttled per user and per address, and the page a sign-in returns to is a path on this hub (issue 14).</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class SignInTests(ClickHouseServerFixture clickHouse)
{
    private const string TooMany = "För många misslyckade inloggningar.";

    [Fact]
    public async Task Wrong_passwords_for_one_user_are_throttled_with_a_Swedish_message_even_for_the_right_one()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("admin", Password, UserRole.Admin, []);
        await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
        using var http = Client(hub.HttpUrl);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(http, "admin", "fel-losenord-" + i)).StatusCode);
        }

        var refused = await LoginAsync(http, "admin", Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.StartsWith(TooMany, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 60, 15 * 60);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(http, "kommunen", Password)).StatusCode); // another user from the same address still gets in
    }

    [Fact]
    public async Task Wrong_passwords_from_one_address_are_throttled_whatever_the_names()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        await hub.Services.GetRequiredService<UserStore>().SaveAsync("admin", Password, UserRole.Admin, []);
        using var http = Client(hub.HttpUrl);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(http, "gissning" + i, Password)).StatusCode);
        }

        var refused = await LoginAsync(http, "admin", Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.StartsWith(TooMany, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/kommun", "/kommun")]
    [InlineData("/butik/butik-a?from=2026-01-01#trend", "/butik/butik-a?from=2026-01-01#trend")]
    [InlineData("/\\127.0.0.1:6299/x", null)]
    [InlineData("/\t/127.0.0.1:6299/x", null)]
    [InlineData("//127.0.0.1:6299/x", null)]
    [InlineData("/\\/127.0.0.1:6299/x", null)]
    [InlineData("https://127.0.0.1:6299/x", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("kommun", null)]
    [InlineData("", null)]
    public async Task Next_is_answered_back_only_as_a_path_on_this_hub(string next, string? expected)
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        await hub.Services.GetRequiredService<UserStore>().SaveAsync("admin", Password, UserRole.Admin, []);
        using var http = Client(hub.HttpUrl);

        var reply = await (await LoginAsync(http, "admin", Password, next)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(reply.TryGetProperty("next", out var answered), reply.ToString());
        Assert.Equal(expected, answered.ValueKind == JsonValueKind.Null ? null : answered.GetString());
    }
}
