using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Norsjo.Retail.Contracts.V1;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>The admin: stores and their agents, enrollment codes, users.</summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(DashboardsGroup.Name)]
public sealed partial class AdminPageTests(DemoHubFixture demo)
{
    [Fact]
    public async Task The_admin_issues_an_enrollment_code_that_an_agent_can_use()
    {
        var page = await demo.NewPageAsync(1280, 900);
        await SignInAsync(page, "admin");
        Assert.EndsWith("/admin", page.Url, StringComparison.Ordinal);
        Assert.Equal(5, await page.GetByTestId("stores-table").Locator("tbody tr").CountAsync()); // the demo registry's five stores

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByTestId("stores-table").Locator("tbody tr", new() { HasText = "Björks lanthandel" })
            .GetByRole(AriaRole.Button, new() { Name = "Ny registreringskod" }).ClickAsync();
        var code = await page.GetByTestId("enrollment-code").InnerTextAsync();
        Assert.Matches(Code(), code);
        await ScreenshotAsync(page, "admin-dator");

        using var channel = demo.Hub.Channel();
        var reply = await new Enrollment.EnrollmentClient(channel).EnrollAsync(new EnrollRequest { Code = code });
        Assert.Equal(OwnStore, reply.StoreId);
    }

    [Fact]
    public async Task The_admin_adds_a_store_owner_who_can_then_sign_in_to_their_store()
    {
        var page = await demo.NewPageAsync(1280, 900);
        await SignInAsync(page, "admin");
        await page.GetByLabel("Användarnamn").FillAsync("agare-bastutrask");
        await page.GetByLabel("Lösenord (minst 10 tecken)").FillAsync("affärn-i-bastuträsk");
        await page.GetByLabel("Roll").SelectOptionAsync("store_owner");
        await page.Locator("#new-stores").SelectOptionAsync("bastutrask-lanthandel");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lägg till" }).ClickAsync();
        await Assertions.Expect(page.Locator("#user-message")).ToHaveTextAsync("Användaren agare-bastutrask är tillagd.");
        await Assertions.Expect(page.GetByTestId("users-table").Locator("tbody tr", new() { HasText = "agare-bastutrask" })).ToHaveCountAsync(1);

        await page.GetByLabel("Användarnamn").FillAsync("x");
        await page.GetByLabel("Lösenord (minst 10 tecken)").FillAsync("kort");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lägg till" }).ClickAsync();
        await Assertions.Expect(page.Locator("#user-message")).ToContainTextAsync("Kunde inte lägga till:");

        var owner = await demo.NewPageAsync();
        await SignInAsync(owner, "agare-bastutrask", "affärn-i-bastuträsk");
        Assert.EndsWith("/butik/bastutrask-lanthandel", owner.Url, StringComparison.Ordinal);
        Assert.Equal("Affärn i Bastuträsk (exempel)", await owner.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task The_admin_may_open_the_municipality_page_and_any_store_page()
    {
        var page = await demo.NewPageAsync();
        await SignInAsync(page, "admin");
        Assert.Equal(200, (await page.GotoAsync("/kommun"))!.Status);
        await ReadyAsync(page);
        Assert.Equal(200, (await page.GotoAsync("/butik/" + OtherStore))!.Status);
        await ReadyAsync(page);
        Assert.Equal("Norsjö Livs (exempel)", await page.Locator("h1").InnerTextAsync());
    }

    [GeneratedRegex("^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")]
    private static partial Regex Code();
}
