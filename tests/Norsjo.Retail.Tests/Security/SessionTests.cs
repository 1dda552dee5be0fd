using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Security.Browserless;

namespace Norsjo.Retail.Tests.Security;

/// <summary>
/// Sessions live on the server: every request asks the user's current role, stores and state, and
/// signing out ends the session for every copy of its cookie. Each case on a real hub (issue 14).
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class SessionTests(ClickHouseServerFixture clickHouse)
{
    [Fact]
    public async Task A_demoted_admin_loses_admin_rights_in_the_session_they_hold_at_once()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("chef", Password, UserRole.Admin, []);
        using var session = await SignedInAsync(hub.HttpUrl, "chef");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode);

        await users.SaveAsync("chef", Password, UserRole.StoreOwner, ["butik-a"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/stores/butik-a", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_store_owner_moved_to_another_store_loses_the_old_store_at_once()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a", "butik-b");
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("agare", Password, UserRole.StoreOwner, ["butik-a"]);
        using var session = await SignedInAsync(hub.HttpUrl, "agare");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/stores/butik-a", UriKind.Relative))).StatusCode);

        await users.SaveAsync("agare", Password, UserRole.StoreOwner, ["butik-b"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync(new Uri("/api/stores/butik-a", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/stores/butik-b", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync(new Uri("/butik/butik-a", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_cookie_copied_before_logout_no_longer_works_after_it()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        await hub.Services.GetRequiredService<UserStore>().SaveAsync("kommunen", Password, UserRole.Municipality, []);
        var cookies = new CookieContainer();
        using var browser = Client(hub.HttpUrl, cookies);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(browser, "kommunen", Password)).StatusCode);
        var copied = SessionCookie(browser, hub.HttpUrl, cookies);
        using var thief = Client(hub.HttpUrl);
        thief.DefaultRequestHeaders.Add("Cookie", "norsjo.session=" + copied);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync(new Uri("/api/municipality/stores", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync(new Uri("/api/logout", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync(new Uri("/api/municipality/stores", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_user_disabled_through_another_hub_of_the_deployment_loses_their_session_at_once()
    {
        await using var first = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        await using var second = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: first.Database.Name), "butik-a");
        var users = first.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("admin", Password, UserRole.Admin, []);
        await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
        using var session = await SignedInAsync(first.HttpUrl, "kommunen");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/municipality/stores", UriKind.Relative))).StatusCode);

        using var admin = await SignedInAsync(second.HttpUrl, "admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri("/api/admin/users/kommunen/disable", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/municipality/stores", UriKind.Relative))).StatusCode);
    }
}
