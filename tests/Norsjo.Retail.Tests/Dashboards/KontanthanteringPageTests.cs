using System.Text.Json;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.CashHandling;
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

    [Fact]
    public async Task The_card_asks_whether_cash_is_still_usable_and_shows_each_village_as_the_API_publishes_it()
    {
        var context = await data.Browser.NewContextAsync(new() { BaseURL = data.Hub.HttpUrl.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "sv-SE", TimezoneId = "Europe/Stockholm" });
        var page = await context.NewPageAsync();
        await SignInAsync(page, "kommunen", DisclosureTests.Data.Password);
        Assert.EndsWith("/kommun", page.Url, StringComparison.Ordinal);

        Assert.Equal("Går det fortfarande att använda kontanter i byn?", await TextAsync(page, "cash-handling-question"));
        var report = await ApiAsync<CashHandlingReport>(page, "/api/municipality/cash-handling");
        var october = report.Months.Where(m => m.Month == "2026-10").ToList();
        var rows = page.GetByTestId("cash-handling-table").Locator("tbody tr");
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

        // Kusfors's one shop: only inside the merged row, and what it alone does is held back, saying why.
        var merged = await rows.Filter(new() { HasText = "Kusfors" }).Locator("th, td").AllInnerTextsAsync();
        Assert.StartsWith("Övriga orter (Bastuträsk, Kusfors)", merged[0], StringComparison.Ordinal);
        Assert.Contains("visas inte", merged[3], StringComparison.Ordinal);
        Assert.Contains("färre än 3 butiker bidrar", merged[3], StringComparison.Ordinal);
        await ScreenshotAsync(page, "kommun-kontanthantering");
    }
}
