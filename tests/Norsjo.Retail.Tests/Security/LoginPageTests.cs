using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Security.Browserless;

namespace Norsjo.Retail.Tests.Security;

/// <summary>
/// The sign-in page in Debian's Chromium: a `next` that the browser would read as another site — a
/// backslash, a tab, two slashes — sends the user to their start page on this hub instead (issue 14).
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class LoginPageTests(ClickHouseServerFixture clickHouse)
{
    [Fact]
    public async Task A_next_that_leaves_the_hub_is_not_followed_after_sign_in()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a");
        await hub.Services.GetRequiredService<UserStore>().SaveAsync("kommunen", Password, UserRole.Municipality, []);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var origin = hub.HttpUrl.GetLeftPart(UriPartial.Authority);

        foreach (var (next, lands) in new[]
        {
            ("/%5C127.0.0.1:6299/x", "/kommun"),
            ("/%09/127.0.0.1:6299/x", "/kommun"),
            ("//127.0.0.1:6299/x", "/kommun"),
            ("/%5C/127.0.0.1:6299/x", "/kommun"),
            ("%2Fkommun%3Fvisa%3D1", "/kommun?visa=1"),
        })
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = origin });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/?next=" + next);
            await page.GetByLabel("Användarnamn").FillAsync("kommunen");
            await page.GetByLabel("Lösenord").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
            await page.WaitForURLAsync(url => url == origin + lands, new() { Timeout = 15_000 });

            // Signed in already, the page goes straight on, by the same rule.
            await page.GotoAsync("/?next=" + next);
            await page.WaitForURLAsync(url => url == origin + lands, new() { Timeout = 15_000 });
        }
    }
}
