using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Subsidy;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>The store owner at the counter with a phone: their own shop, nobody else's.</summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(DashboardsGroup.Name)]
public sealed partial class StoreOwnerPageTests(DemoHubFixture demo)
{
    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_store_owner_sees_their_own_figures_as_the_API_gives_them()
    {
        var page = await demo.NewPageAsync();
        await SignInAsync(page, "agare-kusfors");
        Assert.EndsWith("/butik/" + OwnStore, page.Url, StringComparison.Ordinal);
        Assert.Equal("Björks lanthandel (exempel)", await page.Locator("h1").InnerTextAsync());

        var api = "/api/stores/" + OwnStore;
        var period = $"from={Iso(Today.AddDays(-83))}&to={Iso(Today)}";
        var today = await ApiAsync<TrendPoint[]>(page, $"{api}/trend?grain=day&from={Iso(Today)}&to={Iso(Today)}");
        var trend = await ApiAsync<TrendPoint[]>(page, $"{api}/trend?grain=day&from={Iso(Today.AddDays(-89))}&to={Iso(Today)}");
        var payments = await ApiAsync<PaymentMix>(page, $"{api}/payments?{period}");
        var baskets = await ApiAsync<Baskets>(page, $"{api}/baskets?{period}");
        var deliveries = await ApiAsync<DeliveryFigure[]>(page, $"{api}/deliveries?{period}");
        var lastMonth = Today.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var statement = await ApiAsync<Statement>(page, $"{api}/subsidy/{lastMonth}");

        SwedishText.Shows(today.Sum(p => p.GrossKr), await TextAsync(page, "today-gross"));
        SwedishText.Shows(trend.Sum(p => p.GrossKr), await TextAsync(page, "trend-total"));
        SwedishText.Shows(payments.CashShare, await TextAsync(page, "cash-share"), scale: 100);
        SwedishText.Shows(baskets.AverageKr, await TextAsync(page, "basket-average"));
        SwedishText.Shows(deliveries.Sum(d => d.Deliveries), await TextAsync(page, "deliveries-count"));
        Assert.True(statement.Produced && statement.Deliveries > 0, "the demo has home deliveries every month and last month's statement is produced");
        SwedishText.Shows(statement.AmountDueKr, await TextAsync(page, "subsidy-latest"));
        Assert.Matches(AgentReported(), await TextAsync(page, "freshness"));
        Assert.True(await page.Locator("#hours svg").CountAsync() == 1, "the hour × weekday heatmap is drawn");
        Assert.True(await page.Locator("#trend svg").CountAsync() == 1, "the trend is drawn");
        await ScreenshotAsync(page, "butik-telefon");
    }

    [Fact]
    public async Task Another_stores_page_the_municipality_and_the_admin_page_are_refused()
    {
        var page = await demo.NewPageAsync();
        await SignInAsync(page, "agare-kusfors");
        foreach (var path in new[] { "/butik/" + OtherStore, "/kommun", "/admin" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            Assert.Equal("Ingen behörighet", await page.Locator("h1").InnerTextAsync());
        }

        await ScreenshotAsync(page, "butik-annan-butik-403");
        foreach (var path in new[] { $"/api/stores/{OtherStore}/trend", "/api/municipality/index/rolling", "/api/admin/users" })
        {
            Assert.Equal(403, (await page.Context.APIRequest.GetAsync(path)).Status);
        }
    }

    /// <summary>The tests' own sign-in says what the hub answered, rather than timing out on an address that never comes.</summary>
    [Fact]
    public async Task A_refused_sign_in_says_what_the_hub_answered()
    {
        var page = await demo.NewPageAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SignInAsync(page, "ingen-sadan", "fel-lösenord-123"));

        Assert.StartsWith("Signing in as ingen-sadan: the hub answered 401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_back()
    {
        var page = await demo.NewPageAsync();
        await page.GotoAsync("/butik/" + OwnStore);
        Assert.EndsWith("/?next=%2Fbutik%2F" + OwnStore, page.Url, StringComparison.Ordinal);
        Assert.Equal(401, (await page.Context.APIRequest.GetAsync("/api/me")).Status);

        await page.GetByLabel("Användarnamn").FillAsync("agare-kusfors");
        await page.GetByLabel("Lösenord").FillAsync("fel-lösenord-123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#login-message")).ToHaveTextAsync("Fel användarnamn eller lösenord.");

        await page.GetByLabel("Lösenord").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync("**/butik/" + OwnStore);
        await ReadyAsync(page);
    }

    [Fact]
    public async Task What_is_shown_exports_as_Swedish_CSV()
    {
        var page = await demo.NewPageAsync(1280, 900);
        await SignInAsync(page, "agare-kusfors");
        var api = "/api/stores/" + OwnStore;
        var payments = await ApiAsync<PaymentMix>(page, $"{api}/payments?from={Iso(Today.AddDays(-83))}&to={Iso(Today)}");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#payments button.csv").ClickAsync());
        Assert.Equal($"butik-{OwnStore}-payments.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Betalsätt;Belopp (kr);Andel", lines[0]);
        var cash = lines.Single(l => l.StartsWith("Kontant;", StringComparison.Ordinal)).Split(';');
        Assert.Equal(payments.CashShare, decimal.Parse(cash[2].Replace(',', '.'), CultureInfo.InvariantCulture), 4);

        var trendDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator("#trend button.csv").ClickAsync());
        var trend = await ApiAsync<TrendPoint[]>(page, $"{api}/trend?grain=day&from={Iso(Today.AddDays(-89))}&to={Iso(Today)}");
        var trendLines = (await File.ReadAllTextAsync(await trendDownload.PathAsync())).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var sold = trendLines.Skip(1).Select(l => l.Split(';')).Where(c => c[1].Length > 0).ToList();
        Assert.Equal(trend.Select(p => p.Period), sold.Select(c => c[0]));
        Assert.Equal(trend.Sum(p => p.GrossKr), sold.Sum(c => decimal.Parse(c[1].Replace(',', '.'), CultureInfo.InvariantCulture)));
        Assert.True(trendLines.Length - 1 > trend.Length, "the forecast's days follow the sales in the export");
    }

    [GeneratedRegex("^Er agent rapporterade senast (nyss|för \\d+ (minut|minuter|timme|timmar|dagar) sedan)")]
    private static partial Regex AgentReported();
}
