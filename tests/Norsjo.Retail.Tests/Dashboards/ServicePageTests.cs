using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// The kommunöversikt in Chromium (issue 19): the public page anonymous on a phone (axe, WCAG 2.1 AA,
/// nothing asked of anyone but the hub), the A4 sheet for the notice board, the editor's form on
/// /admin with refusals beside their fields, the owner's quarterly "Stämmer fortfarande" on /butik,
/// and the service watch on /kommun.
/// </summary>
[Collection(ServicePagesGroup.Name)]
public sealed partial class ServicePageTests(ServicePageFixture fixture)
{
    private static readonly AxeRunOptions WcagAa = new() { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } };

    private static async Task AccessibleAsync(IPage page)
    {
        var result = await page.RunAxe(WcagAa);
        Assert.True(result.Violations.Length == 0, string.Join("\n", result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }

    [Fact]
    public async Task The_public_page_works_on_a_phone_without_signing_in_passes_axe_and_asks_nothing_of_anyone_else()
    {
        var page = await fixture.NewPageAsync(390, 844);
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        await page.GotoAsync("/service");
        await ReadyAsync(page);
        await Assertions.Expect(page.GetByTestId("village-list")).ToContainTextAsync("Bastuträsk – 1 plats, 1 öppna nu");
        await AccessibleAsync(page);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);
        await ScreenshotAsync(page, "service-byar-telefon");

        await page.GetByRole(AriaRole.Link, new() { Name = "Kusfors", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/service/Kusfors");
        await ReadyAsync(page);
        await Assertions.Expect(page.GetByTestId("open-kusfors-handel")).ToHaveTextAsync("Öppet nu – öppet till 18:00");
        await Assertions.Expect(page.GetByTestId("pay-kusfors-handel")).ToHaveTextAsync("Betala med: Kontant, Kort, Swish");
        var fuel = page.GetByTestId("nearest-Kusfors").Locator("tr", new() { HasText = "Drivmedel" });
        await Assertions.Expect(fuel).ToContainTextAsync("Drivmedelsstation Norsjö (exempel), Norsjö");
        await Assertions.Expect(fuel).ToContainTextAsync("30 km");
        await Assertions.Expect(page.GetByTestId("nearest-Kusfors").Locator("tr", new() { HasText = "Hemsändning" })).ToContainTextAsync("i byn");
        await AccessibleAsync(page);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the village fits a 390 px phone");
        await ScreenshotAsync(page, "service-kusfors-telefon");

        // No tile server configured: no map, no Leaflet, and not one request outside the hub.
        Assert.Equal(0, await page.Locator("#map").CountAsync());
        var hub = fixture.Hub.HttpUrl.GetLeftPart(UriPartial.Authority);
        Assert.All(requested, url => Assert.StartsWith(hub, url, StringComparison.Ordinal));
        Assert.DoesNotContain(requested, url => url.Contains("service-map", StringComparison.Ordinal) || url.Contains("leaflet", StringComparison.OrdinalIgnoreCase));

        // The check can fail: a planted image without a text is found.
        await page.EvaluateAsync("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">')");
        Assert.Contains((await page.RunAxe(WcagAa)).Violations, v => v.Id == "image-alt");
    }

    [Fact]
    public async Task The_notice_board_sheet_of_a_village_prints_on_one_a4_page_without_the_page_s_chrome()
    {
        var page = await fixture.NewPageAsync(1280, 900);
        await page.GotoAsync("/service/Bastutr%C3%A4sk/utskrift");
        await ReadyAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Service i Bastuträsk");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.False(await page.Locator("header#top").IsVisibleAsync());
        Assert.False(await page.GetByRole(AriaRole.Button, new() { Name = "Skriv ut" }).IsVisibleAsync());
        await Assertions.Expect(page.GetByTestId("place-bastutrask-lanthandel")).ToBeVisibleAsync();
        await AccessibleAsync(page);

        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true, PreferCSSPageSize = true });
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        Assert.StartsWith("%PDF", text, StringComparison.Ordinal);
        var pages = PdfPage().Count(text);
        Assert.True(pages == 1, $"the sheet is {pages} A4 pages");
        await File.WriteAllBytesAsync(Path.Combine(ArtefactFolder, "service-bastutrask-a4.pdf"), pdf);
    }

    [Fact]
    public async Task The_editor_adds_a_place_on_admin_refused_beside_its_fields_until_it_is_right_and_the_public_page_shows_it()
    {
        var page = await fixture.OpenAsync("redaktor", "/admin");
        await Assertions.Expect(page.GetByTestId("service-points-table")).ToContainTextAsync("Björks lanthandel (exempel)");
        await page.Locator("#service-point-pick").SelectOptionAsync("");
        await page.Locator("#service-point-id").FillAsync("laddstation-kusfors");
        await page.Locator("#service-point-name").FillAsync("Laddstation Kusfors");
        await page.Locator("#service-point-village").FillAsync("Kusfors");
        await page.Locator("[id='service-point-hours.mon']").FillAsync("25:00-26:00");
        await page.Locator("#service-point-services-laddstolpe").CheckAsync();
        await page.Locator("#service-point-latitude").FillAsync("91");
        await page.Locator("#service-point-longitude").FillAsync("19,95");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara platsen" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("service-point-latitude-error")).ToContainTextAsync("ligger inte i Sverige");
        await Assertions.Expect(page.GetByTestId("service-point-hours.mon-error")).ToContainTextAsync("'25:00-26:00' ska vara TT:MM-TT:MM");
        await Assertions.Expect(page.GetByTestId("service-point-payments-error")).ToHaveTextAsync("Välj minst ett sätt att betala.");

        await page.Locator("[id='service-point-hours.mon']").FillAsync("00:00-24:00");
        await page.Locator("[id='service-point-hours.sun']").FillAsync("00:00-24:00");
        await page.Locator("#service-point-latitude").FillAsync("64,99");
        await page.Locator("#service-point-payments-kort").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara platsen" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("service-status")).ToHaveTextAsync("Laddstation Kusfors är sparad.");
        await Assertions.Expect(page.GetByTestId("service-points-table")).ToContainTextAsync("Laddstation Kusfors");
        await ScreenshotAsync(page, "admin-kommunoversikt");

        var open = await fixture.NewPageAsync();
        await open.GotoAsync("/service/Kusfors");
        await ReadyAsync(open);
        await Assertions.Expect(open.GetByTestId("place-laddstation-kusfors")).ToContainTextAsync("Laddstolpe");
    }

    [Fact]
    public async Task Each_quarter_the_owner_is_asked_whether_the_entry_still_holds_and_confirms_it_in_one_click()
    {
        await fixture.AtAsync(FirstOfDecember.AddMonths(3).AddDays(1), async () =>
        {
            var page = await fixture.OpenAsync("agare-kusfors", "/butik/" + OwnStore);
            await Assertions.Expect(page.GetByTestId("own-service-due")).ToContainTextAsync("Stämmer uppgifterna fortfarande?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Stämmer fortfarande" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("own-service-confirmed")).ToHaveTextAsync("Senast bekräftad 2027-03-02 14:00 av agare-kusfors.");
            await Assertions.Expect(page.GetByTestId("own-service-due")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task The_municipality_sees_a_village_s_lost_service_with_its_date_and_stale_entries_first_on_kommun()
    {
        await fixture.AtAsync(new DateTimeOffset(2027, 1, 20, 10, 0, 0, TimeSpan.FromHours(1)), async () =>
        {
            var editor = await fixture.OpenAsync("redaktor", "/admin");
            var response = await editor.Context.APIRequest.DeleteAsync("/api/admin/service-points/norsjo-bibliotek");
            Assert.Equal(204, response.Status);
        });

        var page = await fixture.OpenAsync("kommunen", "/kommun");
        await Assertions.Expect(page.GetByTestId("service-watch-Norsjö")).ToContainTextAsync("2027-01-20: Servicepunkt/mötesplats försvann (Norsjö bibliotek (exempel))");

        // Four months on, the entries nobody confirmed are stale, and the municipality's list starts with them.
        await fixture.AtAsync(FirstOfDecember.AddMonths(4), async () =>
        {
            var later = await fixture.OpenAsync("kommunen", "/kommun");
            await Assertions.Expect(later.GetByTestId("service-list-table").Locator("tbody tr").First).ToContainTextAsync("inaktuell");
            await ScreenshotAsync(later, "kommun-kommunoversikt");
        });
    }

    [GeneratedRegex(@"/Type\s*/Page(?!s)")]
    private static partial Regex PdfPage();
}
