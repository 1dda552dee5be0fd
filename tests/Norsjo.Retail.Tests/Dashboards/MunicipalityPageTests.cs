using System.Globalization;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Subsidy;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>The municipality's business developer: the index against 60 and what it takes, never one store's figures.</summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(DashboardsGroup.Name)]
public sealed class MunicipalityPageTests(DemoHubFixture demo)
{
    [Fact]
    public async Task The_municipality_sees_the_index_the_gap_coverage_and_the_outlook_as_the_API_gives_them()
    {
        var page = await demo.NewPageAsync(1280, 900);
        await SignInAsync(page, "kommunen");
        Assert.EndsWith("/kommun", page.Url, StringComparison.Ordinal);

        var month = Today.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var running = await ApiAsync<PublishedIndexPeriod[]>(page, $"/api/municipality/index/rolling?from={month}&to={month}");
        Assert.False(running[^1].Shown, "this month has not ended: it is held back");
        Assert.False(running[^1].Complete, "nor is it complete");
        Assert.StartsWith("Visas inte: ", running[^1].HeldBack, StringComparison.Ordinal);
        var basis = await ApiAsync<Norsjo.Retail.Hub.Api.IndexBasis>(page, "/api/municipality/index/basis");
        var end = DateOnly.ParseExact(basis.LastCompleteMonth + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var periods = await ApiAsync<PublishedIndexPeriod[]>(page, $"/api/municipality/index/rolling?from={end.AddMonths(-23):yyyy-MM}&to={basis.LastCompleteMonth}");
        var latest = periods[^1];
        Assert.True(latest.Shown && latest.Complete, latest.HeldBack);
        SwedishText.Shows(latest.Index!.Total, await TextAsync(page, "index-total"));
        await ShowsPartAsync(latest.Index.Dagligvaror, "index-dagligvaror");
        await ShowsPartAsync(latest.Index.Sallankop, "index-sallankop");
        SwedishText.Shows(latest.Coverage!.Value, await TextAsync(page, "coverage"), scale: 100);
        Assert.False(latest.Gap!.Reached, "the demo is below 60, as Norsjö is");
        SwedishText.Shows(latest.Gap.GapKrPerYear / 1_000_000m, await TextAsync(page, "gap-year"));
        SwedishText.Shows(latest.Gap.GapKrPerResidentPerMonth, await TextAsync(page, "gap-resident"));

        var outlook = await ApiAsync<PublishedOutlook>(page, "/api/municipality/index/outlook");
        SwedishText.Shows(outlook.Expected, await TextAsync(page, "outlook-expected"));
        SwedishText.Shows(outlook.ProbabilityOfTarget, await TextAsync(page, "outlook-probability"), scale: 100);
        Assert.Equal(periods.Length, await page.GetByTestId("index-table").Locator("tbody tr").CountAsync());

        var villages = await ApiAsync<PublishedVillageReport>(page, $"/api/municipality/villages?from={end.AddMonths(-11):yyyy-MM}&to={basis.LastCompleteMonth}");
        Assert.Equal(villages.SuppressionNote, await TextAsync(page, "suppression-note"));
        var rows = page.GetByTestId("villages-table").Locator("tbody tr");
        Assert.Equal(villages.Villages.Count, await rows.CountAsync());
        for (var i = 0; i < villages.Villages.Count; i++)
        {
            var cells = await rows.Nth(i).Locator("th, td").AllInnerTextsAsync();
            Assert.StartsWith(villages.Villages[i].Village, cells[0], StringComparison.Ordinal);
            if (villages.Villages[i].Suppressed)
            {
                Assert.Equal("visas inte", cells[4]);
            }
            else
            {
                SwedishText.Shows(villages.Villages[i].IndexPoints!.Value, cells[4]);
            }
        }

        var lastMonth = Today.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var statements = await ApiAsync<Statement[]>(page, $"/api/municipality/subsidy/{lastMonth}");
        SwedishText.Shows(statements.Where(s => s.Produced).Sum(s => s.AmountDueKr), await TextAsync(page, "subsidy-due"));
        var silent = await ApiAsync<SilentAgent[]>(page, "/api/municipality/silent-agents");
        SwedishText.Shows(silent.Count(s => s.Silent), await TextAsync(page, "silent-count"));
        await ScreenshotAsync(page, "kommun-dator");

        async Task ShowsPartAsync(decimal? value, string testId)
        {
            if (value is { } v)
            {
                SwedishText.Shows(v, await TextAsync(page, testId));
            }
            else
            {
                Assert.Equal("visas inte", await TextAsync(page, testId));
            }
        }
    }

    [Fact]
    public async Task A_store_owner_shares_the_shops_figures_on_their_page_both_sides_see_it_published_months_stay_as_published_and_it_can_be_revoked()
    {
        var owner = await demo.NewPageAsync();
        await SignInAsync(owner, "agare-kusfors");
        try
        {
            Assert.Contains("Inget samtycke", await TextAsync(owner, "consent-note"), StringComparison.Ordinal);
            await owner.GetByTestId("consent-toggle").ClickAsync();
            await Assertions.Expect(owner.GetByTestId("consent-note")).ToContainTextAsync("Samtycke gett av agare-kusfors");

            var municipality = await demo.NewPageAsync(1280, 900);
            await SignInAsync(municipality, "kommunen");
            var consents = await ApiAsync<ConsentView[]>(municipality, "/api/municipality/consents");
            Assert.True(consents.Single(c => c.StoreId == OwnStore).Effective, "three stores with agents stay without consent");
            Assert.Contains("delar sina siffror", await municipality.GetByTestId("consents-table").Locator("tbody tr", new() { HasText = "Björks lanthandel" }).InnerTextAsync(), StringComparison.Ordinal);
            // A consent shows the shop from the first month published after it (Disclosure/PublishedMonths.cs):
            // the months already published stay as published, so nothing is learnt by comparing them.
            Assert.Contains("från den första månad som publiceras efter samtycket", await TextAsync(owner, "consent-note"), StringComparison.Ordinal);
            var villages = await ApiAsync<PublishedVillageReport>(municipality, $"/api/municipality/villages?from={Today.AddMonths(-12):yyyy-MM}&to={Today.AddMonths(-1):yyyy-MM}");
            Assert.All(villages.Villages.Where(v => v.Kind == "shared"), v => Assert.True(v.Suppressed && v.IndexPoints is null, $"{v.Village}: a published month changed by a consent"));

            await owner.GetByTestId("consent-toggle").ClickAsync();
            await Assertions.Expect(owner.GetByTestId("consent-note")).ToContainTextAsync("Samtycke återkallat av agare-kusfors");
            Assert.DoesNotContain((await ApiAsync<PublishedVillageReport>(municipality, $"/api/municipality/villages?from={Today.AddMonths(-12):yyyy-MM}&to={Today.AddMonths(-1):yyyy-MM}")).Villages, v => v.Kind == "shared");
        }
        finally
        {
            await owner.Context.APIRequest.PostAsync($"/api/stores/{OwnStore}/consent", new() { DataObject = new { given = false } });
        }
    }

    [Fact]
    public async Task The_municipality_cannot_open_a_store_page_or_the_admin_page()
    {
        var page = await demo.NewPageAsync();
        await SignInAsync(page, "kommunen");
        Assert.Equal(403, (await page.GotoAsync("/butik/" + OwnStore))!.Status);
        Assert.Equal(403, (await page.GotoAsync("/admin"))!.Status);
        Assert.Equal(403, (await page.Context.APIRequest.GetAsync($"/api/stores/{OwnStore}/payments")).Status);
    }

    [Fact]
    public async Task The_index_trend_exports_as_CSV_with_the_outlook()
    {
        var page = await demo.NewPageAsync(1280, 900);
        await SignInAsync(page, "kommunen");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#index-trend button.csv").ClickAsync());
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var basis = await ApiAsync<Norsjo.Retail.Hub.Api.IndexBasis>(page, "/api/municipality/index/basis");
        var end = DateOnly.ParseExact(basis.LastCompleteMonth + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var periods = await ApiAsync<PublishedIndexPeriod[]>(page, $"/api/municipality/index/rolling?from={end.AddMonths(-23):yyyy-MM}&to={basis.LastCompleteMonth}");
        Assert.Equal(periods.Length + 2, lines.Length); // the header, each month, the year's outlook
        Assert.StartsWith($"{Today.Year} prognos;", lines[^1], StringComparison.Ordinal);
        var first = periods.Select((p, i) => (p, i)).First(x => x.p.Shown);
        Assert.Equal(first.p.Index!.Total, decimal.Parse(lines[first.i + 1].Split(';')[1].Replace(',', '.'), CultureInfo.InvariantCulture));
    }
}
