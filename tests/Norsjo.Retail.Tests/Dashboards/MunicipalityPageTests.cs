using System.Globalization;
using Microsoft.Playwright;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>The municipality's business developer: the index against 60 and what it takes, never one store's figures.</summary>
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
        var from = Today.AddMonths(-23).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var periods = await ApiAsync<IndexPeriodDto[]>(page, $"/api/municipality/index/rolling?from={from}&to={month}");
        var latest = periods.Last(p => p.Complete);
        SwedishText.Shows(latest.Index.Total, await TextAsync(page, "index-total"));
        SwedishText.Shows(latest.Index.Dagligvaror, await TextAsync(page, "index-dagligvaror"));
        SwedishText.Shows(latest.Index.Sallankop, await TextAsync(page, "index-sallankop"));
        SwedishText.Shows(latest.Coverage, await TextAsync(page, "coverage"), scale: 100);
        Assert.False(latest.Gap.Reached, "the demo is below 60, as Norsjö is");
        SwedishText.Shows(latest.Gap.GapKrPerYear / 1_000_000m, await TextAsync(page, "gap-year"));
        SwedishText.Shows(latest.Gap.GapKrPerResidentPerMonth, await TextAsync(page, "gap-resident"));

        var outlook = await ApiAsync<OutlookDto>(page, "/api/municipality/index/outlook");
        SwedishText.Shows(outlook.Expected, await TextAsync(page, "outlook-expected"));
        SwedishText.Shows(outlook.ProbabilityOf60, await TextAsync(page, "outlook-probability"), scale: 100);
        Assert.Equal(periods.Length, await page.GetByTestId("index-table").Locator("tbody tr").CountAsync());

        var villages = await ApiAsync<VillageReportDto>(page, "/api/municipality/villages");
        Assert.Equal(villages.SuppressionNote, await TextAsync(page, "suppression-note"));
        var rows = page.GetByTestId("villages-table").Locator("tbody tr");
        Assert.Equal(villages.Villages.Count, await rows.CountAsync());
        for (var i = 0; i < villages.Villages.Count; i++)
        {
            var cells = await rows.Nth(i).Locator("th, td").AllInnerTextsAsync();
            Assert.Equal(villages.Villages[i].Village, cells[0]);
            if (villages.Villages[i].Suppressed)
            {
                Assert.Equal("dold", cells[3]);
            }
            else
            {
                SwedishText.Shows(villages.Villages[i].IndexPoints!.Value, cells[3]);
            }
        }

        var lastMonth = Today.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var statements = await ApiAsync<StatementDto[]>(page, $"/api/municipality/subsidy/{lastMonth}");
        SwedishText.Shows(statements.Where(s => s.Produced).Sum(s => s.AmountDueKr), await TextAsync(page, "subsidy-due"));
        var silent = await ApiAsync<SilentAgentDto[]>(page, "/api/municipality/silent-agents");
        SwedishText.Shows(silent.Count(s => s.Silent), await TextAsync(page, "silent-count"));
        await ScreenshotAsync(page, "kommun-dator");
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
        var month = Today.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var periods = await ApiAsync<IndexPeriodDto[]>(page, $"/api/municipality/index/rolling?from={Today.AddMonths(-23):yyyy-MM}&to={month}");
        Assert.Equal(periods.Length + 2, lines.Length); // the header, each month, the year's outlook
        Assert.StartsWith($"{Today.Year} prognos;", lines[^1], StringComparison.Ordinal);
        var first = lines[1].Split(';');
        Assert.Equal(periods[0].Index.Total, decimal.Parse(first[1].Replace(',', '.'), CultureInfo.InvariantCulture));
    }
}
