using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// What Chromium shows when the hub says no (issue 15): a Swedish page worded for the visitor's
/// role on every route a person opens, /hangfire included (whose own answer is an empty 401/403
/// that Chromium shows in English); API clients keep their JSON problems.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class RefusalPageTests(ClickHouseServerFixture clickHouse)
{
    private const string Password = "provlösen-2026";

    [Fact]
    public async Task Hangfire_the_print_pages_and_the_report_refuse_in_Swedish_worded_for_the_role()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true"]), "butik-a", "butik-b");
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("agare-a", Password, UserRole.StoreOwner, ["butik-a"]);
        await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
        await users.SaveAsync("admin", Password, UserRole.Admin, []);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        async Task<IPage> As(string? user)
        {
            var context = await browser.NewContextAsync(new() { BaseURL = hub.HttpUrl.ToString(), Locale = "sv-SE", ViewportSize = new() { Width = 390, Height = 844 } });
            if (user is not null)
            {
                Assert.True((await context.APIRequest.PostAsync("/api/login", new() { DataObject = new { username = user, password = Password } })).Ok, user + " signs in");
            }

            return await context.NewPageAsync();
        }

        async Task RefusedAsync(IPage page, string path, int status, string title, params string[] says)
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(status, response!.Status);
            Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
            Assert.Equal("sv", await page.Locator("html").GetAttributeAsync("lang"));
            Assert.Equal("width=device-width, initial-scale=1", await page.Locator("meta[name=viewport]").GetAttributeAsync("content"));
            Assert.Equal(title, await page.Locator("h1").InnerTextAsync());
            var text = await page.Locator("main").InnerTextAsync();
            foreach (var phrase in says)
            {
                Assert.Contains(phrase, text, StringComparison.Ordinal);
            }
        }

        var anonymous = await As(null);
        await RefusedAsync(anonymous, "/hangfire", 401, "Du är inte inloggad", "Logga in");
        Assert.EndsWith("/?next=%2Fhangfire", await anonymous.GetByRole(AriaRole.Link, new() { Name = "Logga in" }).GetAttributeAsync("href"), StringComparison.Ordinal);
        await DemoHubFixture.ScreenshotAsync(anonymous, "hangfire-401-telefon");

        var owner = await As("agare-a");
        await RefusedAsync(owner, "/hangfire", 403, "Ingen behörighet", "bara till för administratörer", "Du är inloggad som agare-a (butiksägare)", "Till din butiks sida");
        await DemoHubFixture.ScreenshotAsync(owner, "hangfire-403-butiksagare-telefon");
        await RefusedAsync(owner, "/hangfire/recurring", 403, "Ingen behörighet", "bara till för administratörer");
        await RefusedAsync(owner, "/api/stores/butik-b/subsidy/2026-10/print", 403, "Ingen behörighet", "Som butiksägare ser du bara din egen butiks siffror.");
        await RefusedAsync(owner, "/kommun/rapport", 403, "Ingen behörighet", "Årsrapporten är till för kommunens användare.");

        var municipality = await As("kommunen");
        await RefusedAsync(municipality, "/hangfire", 403, "Ingen behörighet", "bara till för administratörer", "(kommunens användare)", "Till kommunens sida");

        var admin = await As("admin");
        Assert.Equal(200, (await admin.GotoAsync("/hangfire"))!.Status);

        // Scripts and API clients still get problem details, not a page.
        var api = await owner.Context.APIRequest.GetAsync("/api/stores/butik-b/trend");
        Assert.Equal(403, api.Status);
        Assert.StartsWith("application/problem+json", api.Headers["content-type"], StringComparison.Ordinal);
        var bare = await anonymous.Context.APIRequest.GetAsync("/api/me");
        Assert.Equal(401, bare.Status);
        Assert.StartsWith("application/problem+json", bare.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("Inte inloggad", await bare.TextAsync(), StringComparison.Ordinal);
    }
}
