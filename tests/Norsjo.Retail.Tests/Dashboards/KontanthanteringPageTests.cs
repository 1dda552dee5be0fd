using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.CashHandling;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.EndToEnd;
using Norsjo.Retail.Tests.Hub;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// The municipality's kontanthantering card on /kommun in Debian's Chromium (issue 19), over the
/// stores of <see cref="ServiceVolumeTests"/>: what the API publishes is what the page shows, and a
/// figure held back is shown as held back, with the reason.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class KontanthanteringPageTests(KontanthanteringPageTests.Data data) : IClassFixture<KontanthanteringPageTests.Data>
{
    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        private IPlaywright? _playwright;

        public RunningHub Hub { get; private set; } = null!;

        public IBrowser Browser { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { Registry = ServiceVolumeTests.Registry(), Clock = new FixedClock(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero)) });
            await ServiceVolumeTests.SeedAsync(Hub);
            _playwright = await Playwright.CreateAsync();
            Browser = await Chromium.LaunchAsync(_playwright);
        }

        public async Task DisposeAsync()
        {
            await Browser.DisposeAsync();
            _playwright?.Dispose();
            await Hub.DisposeAsync();
        }
    }

    /// <summary>The table's rows are October 2026's as the API publishes them: each village's withdrawals against the year before, and its cash share.</summary>
    private static async Task<ILocator> ShowsOctoberAsync(IPage page, string api, string testId)
    {
        var report = await ApiAsync<CashHandlingReport>(page, api);
        var october = report.Months.Where(m => m.Month == "2026-10").ToList();
        var rows = page.GetByTestId(testId).Locator("tbody tr");
        Assert.Equal(october.Count, await rows.CountAsync());
        for (var i = 0; i < october.Count; i++)
        {
            var cells = await rows.Nth(i).Locator("th, td").AllInnerTextsAsync();
            var m = october[i];
            Assert.StartsWith(m.Village, cells[0], StringComparison.Ordinal);
            SwedishText.Shows(m.Withdrawals!.Value, cells[1].Split(' ')[0]);
            Assert.Contains("mot året innan", cells[1], StringComparison.Ordinal);
            SwedishText.Shows(m.CashShare!.Value, cells[2].Split(" %")[0], scale: 100);
        }

        return rows;
    }

    [Fact]
    public async Task The_card_asks_whether_cash_is_still_usable_and_shows_each_village_as_the_API_publishes_it()
    {
        var context = await data.Browser.NewContextAsync(new() { BaseURL = data.Hub.HttpUrl.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "sv-SE", TimezoneId = "Europe/Stockholm" });
        var page = await context.NewPageAsync();
        await SignInAsync(page, "kommunen", DisclosureTests.Data.Password);
        Assert.EndsWith("/kommun", page.Url, StringComparison.Ordinal);

        Assert.Equal("Går det fortfarande att använda kontanter i byn?", await TextAsync(page, "cash-handling-question"));
        var rows = await ShowsOctoberAsync(page, "/api/municipality/cash-handling", "cash-handling-table");

        // Kusfors's one shop: only inside the merged row, and what it alone does is held back, saying why.
        var merged = await rows.Filter(new() { HasText = "Kusfors" }).Locator("th, td").AllInnerTextsAsync();
        Assert.StartsWith("Övriga orter (Bastuträsk, Kusfors)", merged[0], StringComparison.Ordinal);
        Assert.Contains("visas inte", merged[3], StringComparison.Ordinal);
        Assert.Contains("färre än 3 butiker bidrar", merged[3], StringComparison.Ordinal);
        await ScreenshotAsync(page, "kommun-kontanthantering");
    }

    [Fact]
    public async Task The_yearly_report_prints_each_village_s_service_timeline_and_kontanthantering_as_the_API_publishes_them()
    {
        // A charging post opens in Kusfors this year (the fixed clock's 20 November 2026): a service gained.
        await data.Hub.Services.GetRequiredService<UserStore>().SaveAsync("admin", DisclosureTests.Data.Password, UserRole.Admin, []);
        using (var admin = await DisclosureTests.Data.SignedInAsync(data.Hub, "admin"))
        {
            var put = await admin.PutAsJsonAsync("/api/admin/service-points/laddstolpe-kusfors", new
            {
                name = "Laddstolpe Kusfors",
                village = "Kusfors",
                hours = new Dictionary<string, string> { ["mon-sun"] = "00:00-24:00" },
                services = new[] { "laddstolpe" },
                homeDeliveryVillages = Array.Empty<string>(),
                payments = new[] { "kort" },
                otherServices = string.Empty,
                latitude = "64,935",
                longitude = "19,970",
            });
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        }

        var context = await data.Browser.NewContextAsync(new() { BaseURL = data.Hub.HttpUrl.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "sv-SE", TimezoneId = "Europe/Stockholm" });
        var page = await context.NewPageAsync();
        await SignInAsync(page, "kommunen", DisclosureTests.Data.Password);
        await page.GotoAsync("/kommun/rapport");
        await ReadyAsync(page);
        await page.Locator("#report-cash-handling").WaitForAsync(); // drawn beside the report, when its own answers are in

        // Service watch: a timeline per village, as the API has the year.
        var watch = await ApiAsync<JsonElement>(page, "/api/municipality/service-watch?year=2026");
        var villages = watch.GetProperty("villages").EnumerateArray().ToList();
        Assert.Contains(villages, v => v.GetProperty("village").GetString() == "Kusfors");
        foreach (var village in villages)
        {
            var name = village.GetProperty("village").GetString()!;
            var shown = await page.GetByTestId($"report-service-{name}").Locator("li").AllInnerTextsAsync();
            Assert.Equal(village.GetProperty("events").GetArrayLength(), shown.Count);
        }

        await Assertions.Expect(page.GetByTestId("report-service-Kusfors")).ToContainTextAsync("2026-11-20: Laddstolpe tillkom (Laddstolpe Kusfors)");

        // Kontanthantering: the year's latest settled month per village, each figure as published or held back with why.
        var rows = await ShowsOctoberAsync(page, "/api/municipality/cash-handling?from=2026-01&to=2026-11", "report-cash-handling-table");

        Assert.Contains("färre än 3 butiker bidrar", await rows.Filter(new() { HasText = "Kusfors" }).InnerTextAsync(), StringComparison.Ordinal);

        // Printed: both parts on the A4 pages, whole.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.True(await page.Locator("#report-service").IsVisibleAsync());
        Assert.True(await page.Locator("#report-cash-handling").IsVisibleAsync());
        var pdf = await page.PdfAsync(new() { Format = "A4" });
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4), StringComparison.Ordinal);
        await ScreenshotAsync(page, "kommun-arsrapport-service");
    }
}
