using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// The registry editors on /admin and the owner's opening hours, in Chromium, on the shared demo
/// hub (today 1 December 2026). The other page tests read this hub's figures, so every change made
/// here holds from 2027 on or concerns the year 2000, which no figure up to today uses; the
/// refusals change nothing.
/// </summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(DashboardsGroup.Name)]
public sealed class RegistryPageTests(DemoHubFixture demo)
{
    private StoreRegistry Registry => demo.Hub.Services.GetRequiredService<StoreRegistry>();

    private static ILocator Error(IPage page, string form, string field) => page.GetByTestId($"{form}-{field}-error");

    [Fact]
    public async Task The_editor_sees_what_is_missing_and_gives_a_year_its_figures_and_sources()
    {
        await demo.Hub.Services.GetRequiredService<UserStore>().SaveAsync("redaktor", Password, UserRole.MunicipalityEditor, []);
        var page = await demo.OpenAsync("redaktor", "/admin");
        await Assertions.Expect(page.GetByTestId("registry-missing-list")).ToContainTextAsync(
            "2026: befolkning 31 dec och rikets omsättning per invånare (dagligvaror, sällanköpsvaror) saknas – index för 2026 är preliminärt och räknas med 2017 års siffror.");

        await page.Locator("#registry-year-year").FillAsync("2000");
        await page.Locator("#registry-year-population").FillAsync("många");
        await page.Locator("#registry-year-dagligvaror").FillAsync("30000");
        await page.Locator("#registry-year-sallankop").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara året" }).ClickAsync();
        await Assertions.Expect(Error(page, "registry-year", "population")).ToHaveTextAsync("'många' ska vara ett heltal från 1 till 100000000");
        await Assertions.Expect(Error(page, "registry-year", "sallankop")).ToHaveTextAsync("'0' ska vara ett heltal från 1 till 10000000");
        Assert.DoesNotContain(Registry.Years, y => y.Year == 2000);

        await page.Locator("#registry-year-population").FillAsync("4 900");
        await page.Locator("#registry-year-sallankop").FillAsync("25000");
        await page.Locator("#registry-year-populationSource").FillAsync("SCB");
        await page.Locator("#registry-year-nationalSource").FillAsync("HUI");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara året" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("registry-status")).ToHaveTextAsync("2000 är sparat.");
        await Assertions.Expect(page.GetByTestId("registry-years-table").Locator("tr", new() { HasText = "2000" }))
            .ToContainTextAsync("räknat med befolkning 31 dec 2000 (SCB), rikets omsättning 2000 (HUI)");
        Assert.Equal(4900, Registry.Years.Single(y => y.Year == 2000).Population);

        await page.GetByRole(AriaRole.Button, new() { Name = "Ändra 2000" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("history-year").Locator("li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("history-year")).ToContainTextAsync("av redaktor");
        await ScreenshotAsync(page, "registret-ar");
    }

    [Fact]
    public async Task The_registry_editor_sees_on_admin_only_the_sections_their_role_may_use()
    {
        await demo.Hub.Services.GetRequiredService<UserStore>().SaveAsync("redaktor", Password, UserRole.MunicipalityEditor, []);
        var page = await demo.OpenAsync("redaktor", "/admin");
        await Assertions.Expect(page.GetByTestId("registry-missing-list")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#registry-stores")).ToBeVisibleAsync();
        // The sections only an admin may read are not there at all, so no box says the hub refused.
        foreach (var adminOnly in new[] { "#stores", "#users", "#new-user", "#refusals", "#agent-health" })
        {
            await Assertions.Expect(page.Locator(adminOnly)).ToHaveCountAsync(0);
        }

        await Assertions.Expect(page.Locator("[role=alert], .error").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(@"\S") })).ToHaveCountAsync(0);

        // The admin still has them all.
        var admin = await demo.OpenAsync("admin", "/admin");
        await Assertions.Expect(admin.GetByTestId("stores-table")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("#users")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("#registry-stores")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "admin-registerredaktor");
    }

    [Fact]
    public async Task The_store_editor_refuses_per_field_never_backwards_and_keeps_the_history()
    {
        var page = await demo.OpenAsync("admin", "/admin");
        await page.Locator("#registry-store-pick").SelectOptionAsync("norsjovallen-butik");
        await Assertions.Expect(page.Locator("#registry-store-name")).ToHaveValueAsync("Norsjövallen Butik (exempel)");
        await Assertions.Expect(page.Locator("#registry-store-hours-mon")).ToHaveValueAsync("10:00-18:00, 18:30-20:00");

        await page.Locator("#registry-store-hours-mon").FillAsync("25:00-26:00");
        await page.Locator("#registry-store-opened").FillAsync("1 jan 2010");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara butiken" }).ClickAsync();
        await Assertions.Expect(Error(page, "registry-store", "hours-mon")).ToContainTextAsync("'25:00-26:00' ska vara TT:MM-TT:MM");
        await Assertions.Expect(Error(page, "registry-store", "opened")).ToHaveTextAsync("'1 jan 2010' ska vara ett datum, ÅÅÅÅ-MM-DD");

        await page.Locator("#registry-store-hours-mon").FillAsync("10:00-18:00, 18:30-20:00");
        await page.Locator("#registry-store-opened").FillAsync("2010-01-01");
        await page.Locator("#registry-store-name").FillAsync("Norsjövallens Handel");
        await page.Locator("#registry-store-validFrom").FillAsync("2026-11-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara butiken" }).ClickAsync();
        await Assertions.Expect(Error(page, "registry-store", "validFrom")).ToContainTextAsync("aldrig bakåt");

        await page.Locator("#registry-store-validFrom").FillAsync("2027-01-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara butiken" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("registry-status")).ToHaveTextAsync("Norsjövallens Handel är sparad (gäller från 2027-01-01).");
        await Assertions.Expect(page.GetByTestId("history-store").Locator("li").First).ToContainTextAsync("av admin, gäller från 2027-01-01");
        await Assertions.Expect(page.GetByTestId("history-store").Locator("li")).ToHaveCountAsync(2);
        // Today the store keeps its name; from 2027 it has the new one.
        Assert.Equal("Norsjövallen Butik (exempel)", Registry.Find("norsjovallen-butik")!.Name);
        var facts = demo.Hub.Services.GetRequiredService<RegistryFacts>();
        Assert.Equal("Norsjövallens Handel", facts.AsOf(new DateOnly(2027, 1, 1)).Find("norsjovallen-butik")!.Name);
    }

    [Fact]
    public async Task The_category_and_subsidy_editors_hold_from_their_day_never_backwards()
    {
        var page = await demo.OpenAsync("admin", "/admin");
        await Assertions.Expect(page.Locator("#registry-categories-dagligvaror")).ToHaveValueAsync("blommor, dagligvaror, receptfria_lakemedel, tidningar, tobak");
        await page.Locator("#registry-categories-food").FillAsync("dagligvaror, glass");
        await page.Locator("#registry-categories-validFrom").FillAsync("i morgon");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara kategorierna" }).ClickAsync();
        await Assertions.Expect(Error(page, "registry-categories", "validFrom")).ToContainTextAsync("är inget datum");
        await page.Locator("#registry-categories-validFrom").FillAsync("2027-01-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara kategorierna" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("registry-status")).ToContainTextAsync("Kategorierna är sparade.");
        Assert.DoesNotContain("glass", Registry.Categories.Food);

        // The rule in force since 2025 cannot be changed afterwards; a new one from 2027 can be added.
        await page.Locator("#registry-rule-validFrom").FillAsync("2025-01-01");
        await page.Locator("#registry-rule-amountKr").FillAsync("200");
        await page.Locator("#registry-rule-minDistanceKm").FillAsync("2");
        await page.Locator("#registry-rule-maxPerWeek").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara regeln" }).ClickAsync();
        await Assertions.Expect(Error(page, "registry-rule", "validFrom")).ToContainTextAsync("har redan börjat gälla");
        await page.Locator("#registry-rule-validFrom").FillAsync("2027-01-01");
        await page.Locator("#registry-rule-maxPerWeek").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara regeln" }).ClickAsync();
        await Assertions.Expect(Error(page, "registry-rule", "maxPerWeek")).ToHaveTextAsync("'20' ska vara ett heltal från 1 till 14");
        await page.Locator("#registry-rule-maxPerWeek").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara regeln" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("registry-status")).ToHaveTextAsync("Regeln från 2027-01-01 är sparad.");
        await Assertions.Expect(page.GetByTestId("registry-rules-table").Locator("tbody tr")).ToHaveCountAsync(2);
        Assert.Equal(150_00, Registry.Subsidy.RuleOn(new DateOnly(2026, 12, 31))!.AmountOre);
        Assert.Equal(200_00, Registry.Subsidy.RuleOn(new DateOnly(2027, 1, 1))!.AmountOre);
    }

    [Fact]
    public async Task The_municipality_page_says_the_index_is_provisional_and_what_it_rests_on()
    {
        var page = await demo.OpenAsync("kommunen", "/kommun");
        await Assertions.Expect(page.GetByTestId("index-provisional")).ToHaveTextAsync("Preliminärt: lånar 2017 års siffror.");
        await Assertions.Expect(page.GetByTestId("index-sources")).ToContainTextAsync("räknat med befolkning 31 dec 2017 (SCB), rikets omsättning 2017 (HUI)");
    }

    [Fact]
    public async Task The_store_owner_sees_their_opening_hours_and_a_wrong_one_is_refused_beside_its_day()
    {
        var page = await demo.OpenAsync("agare-kusfors", "/butik/" + OwnStore);
        await Assertions.Expect(page.Locator("#opening-mon")).ToHaveValueAsync("10:00-18:00");
        await Assertions.Expect(page.Locator("#opening-sun")).ToHaveValueAsync("closed");
        await page.Locator("#opening-sat").FillAsync("14:00-10:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara öppettiderna" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("opening-sat-error")).ToContainTextAsync("med stängning efter öppning");
        Assert.True(Registry.Find(OwnStore)!.Hours.IsOpen(DayOfWeek.Saturday, new TimeOnly(11, 0)));

        // Saving the hours as they are changes nothing and says so kindly.
        await page.Locator("#opening-sat").FillAsync("10:00-14:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara öppettiderna" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("opening-hours-message")).ToHaveTextAsync("Öppettiderna är sparade.");
        Assert.Single(demo.Hub.Services.GetRequiredService<RegistryFacts>().History(RegistryYaml.Store, OwnStore));
    }
}
