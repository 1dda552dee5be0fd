using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Disclosure;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// Issue 15: every headline is a complete period, the running one is "hittills" beside it, last year
/// is compared only where there is a last year, the index says what it rests on, and times are
/// Norsjö's. The demo's data, the hub's and the browser's clocks fixed on 1 December 2026 (and on
/// 30 November); the answers are read into the hub's own records.
/// </summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(DashboardsGroup.Name)]
public sealed partial class HonestPeriodsPageTests(DemoHubFixture demo)
{
    [Fact]
    public async Task On_the_first_of_December_the_headline_is_the_last_complete_twelve_months_and_the_year_so_far_stands_beside_it()
    {
        var page = await demo.OpenAsync("kommunen", "/kommun");
        var basis = await ApiAsync<IndexBasis>(page, "/api/municipality/index/basis");
        Assert.Equal(("2026-12", "2026-10", "2026-11", "2026-12-06"), (basis.CurrentMonth, basis.LastCompleteMonth, basis.NextCompleteMonth, basis.NextCompleteOn));
        Assert.Equal((60m, 3, 0.25m), (basis.Target, basis.MinimumStores, basis.EstimateUncertainty));

        // The rolling periods that end in November and December have not settled: not complete, whatever they show.
        var rolling = await ApiAsync<PublishedIndexPeriod[]>(page, "/api/municipality/index/rolling?from=2026-09&to=2026-12");
        Assert.Equal([true, true, false, false], rolling.Select(p => p.Complete));
        var headline = rolling[1];
        Assert.True(headline.Shown, headline.HeldBack);
        Assert.Equal("De senaste tolv hela månaderna: november 2025 – oktober 2026.", await TextAsync(page, "index-period"));
        SwedishText.Shows(headline.Index!.Total, await TextAsync(page, "index-total"));

        var year = await ApiAsync<PublishedIndexPeriod>(page, "/api/municipality/index/years/2026");
        Assert.False(year.Complete, "2026 is not over");
        Assert.Equal(new DateOnly(2026, 10, 31), year.To);
        SwedishText.Shows(year.Index!.Total, await TextAsync(page, "index-so-far"));
        Assert.Contains("januari–oktober, uppräknat till helår", await page.Locator(".so-far").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("november 2026 räknas in när månaden är avslutad", await TextAsync(page, "index-running"), StringComparison.Ordinal);

        // The basis, loud, beside the headline: the registry has 2017 only.
        var basisText = await TextAsync(page, "index-basis");
        Assert.StartsWith("Räknat med rikets siffror 2017 och befolkning 2017", basisText, StringComparison.Ordinal);
        Assert.Equal("basis", await page.GetByTestId("index-basis").GetAttributeAsync("class"));
        SwedishText.Shows(headline.Coverage!.Value, await TextAsync(page, "index-coverage"), scale: 100);
        SwedishText.Shows(1 - headline.Coverage.Value, await TextAsync(page, "index-estimated-share"), scale: 100);
        Assert.True(1 - headline.Coverage.Value > 0.5m, "the demo's index rests mostly on the estimated Norsjö Livs, as the issue found");

        // The calendar years, as HUI publishes them, this one marked "hittills".
        var rows = await page.GetByTestId("years-table").Locator("tbody tr").AllInnerTextsAsync();
        Assert.Equal(3, rows.Count);
        Assert.StartsWith("2026 hittills", rows[2], StringComparison.Ordinal);
        var last = await ApiAsync<PublishedIndexPeriod>(page, "/api/municipality/index/years/2025");
        Assert.True(last.Complete && last.Shown, last.HeldBack);
        Assert.Contains(last.Index!.Total.ToString("0.0", CultureInfo.GetCultureInfo("sv-SE")), rows[1], StringComparison.Ordinal);

        // Cash share "senast" is the last complete month, never a day of December.
        var cash = await ApiAsync<PublishedCashMonth[]>(page, "/api/municipality/cash-share?from=2026-10&to=2026-10");
        SwedishText.Shows(cash.Single().CashShare!.Value, await TextAsync(page, "cash-latest"), scale: 100);
        Assert.Contains("oktober 2026, hel månad", await page.Locator("#cash .kpi").InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("Hittills i december 2026: visas när månaden är avslutad", await TextAsync(page, "cash-running"), StringComparison.Ordinal);
        Assert.Equal("oktober 2026", await page.GetByTestId("cash-table").Locator("tbody tr th").Last.TextContentAsync()); // folded away: its text
        await ScreenshotAsync(page, "kommun-1-december-dator");
    }

    [Fact]
    public async Task The_time_of_the_silent_agent_check_is_Norsjo_time_not_UTC()
    {
        var page = await demo.OpenAsync("kommunen", "/kommun");
        var agents = await page.Locator("#agents").InnerTextAsync();
        Assert.DoesNotContain("UTC", agents, StringComparison.Ordinal);
        Assert.Contains("kontrollerat 2026-12-01 14:00", agents, StringComparison.Ordinal); // 13:00 UTC
    }

    [Fact]
    public async Task The_owners_month_view_compares_with_last_year_only_where_there_is_a_last_year_and_draws_December_as_so_far()
    {
        var page = await demo.OpenAsync("agare-kusfors", "/butik/" + OwnStore, 390, 844);
        await page.Locator("input[name=grain][value=month]").CheckAsync();
        await Assertions.Expect(page.GetByTestId("trend-running")).ToContainTextAsync("2026-12-01 (hittills)");

        var points = await ApiAsync<TrendPoint[]>(page, $"/api/stores/{OwnStore}/trend?grain=month&from=2023-12-01&to=2026-12-01");
        Assert.Equal([false, true], new[] { points[^1].Complete, points[^2].Complete });
        var without = points.Where(p => !p.LastYearHasData).ToList();
        Assert.Equal("2024-12-01", without[^1].Period); // December 2023 is only partly in the history
        Assert.All(points.Skip(without.Count), p => Assert.True(p.LastYearHasData));
        Assert.Contains($"bara för de {points.Length - without.Count} månader som har siffror från i fjol", await TextAsync(page, "trend-last-year-note"), StringComparison.Ordinal);

        // The change against last year is over the comparable months only: no month before the history counts as 0 kr.
        var comparable = points.Where(p => p.LastYearHasData).ToList();
        var change = (comparable.Sum(p => p.GrossKr) / comparable.Sum(p => p.LastYearGrossKr)) - 1;
        var note = await page.Locator("#trend .kpi-note").First.InnerTextAsync();
        var shown = ChangeShown().Match(note);
        Assert.True(shown.Success, note);
        SwedishText.Shows(change * 100, shown.Groups[1].Value);
        await ScreenshotAsync(page, "butik-manad-1-december-telefon");
    }

    [Fact]
    public async Task On_the_last_day_of_a_month_the_running_week_and_month_are_so_far_and_the_index_headline_stays_October()
    {
        await AtAsync(LastOfNovember, async () =>
        {
            var page = await demo.OpenAsync("agare-kusfors", "/butik/" + OwnStore);
            await page.Locator("input[name=grain][value=week]").CheckAsync();
            await Assertions.Expect(page.GetByTestId("trend-running")).ToHaveTextAsync(new Regex("^2026-11-30 \\(hittills\\): perioden pågår"));
            var weeks = await ApiAsync<TrendPoint[]>(page, $"/api/stores/{OwnStore}/trend?grain=week&from=2025-12-01&to=2026-11-30");
            Assert.Equal(["2026-11-30"], weeks.Where(p => !p.Complete).Select(p => p.Period));

            await page.Locator("input[name=grain][value=month]").CheckAsync();
            await Assertions.Expect(page.GetByTestId("trend-running")).ToHaveTextAsync(new Regex("^2026-11-01 \\(hittills\\)"));
            var rows = await page.GetByTestId("trend-table").Locator("tbody tr th").AllTextContentsAsync(); // the table is folded away: its text, not its rendering
            Assert.Equal(["2026-11-01 (hittills)"], rows.Where(r => r.Contains("hittills", StringComparison.Ordinal)));
            await ScreenshotAsync(page, "butik-manad-30-november-dator");

            var municipality = await demo.OpenAsync("kommunen", "/kommun");
            Assert.Equal("De senaste tolv hela månaderna: november 2025 – oktober 2026.", await TextAsync(municipality, "index-period"));
            Assert.Contains("november 2026 räknas in när månaden är avslutad och sena uppgifter har hunnit komma, från söndag 6 december 2026", await TextAsync(municipality, "index-running"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_yearly_report_prints_the_index_per_year_and_part_trend_gap_outlook_coverage_and_method_in_Swedish()
    {
        var page = await demo.OpenAsync("kommunen", "/kommun/rapport");
        Assert.Equal("width=device-width, initial-scale=1", await page.Locator("meta[name=viewport]").GetAttributeAsync("content"));
        Assert.Equal("Försäljningsindex för Norsjö kommun – årsrapport 2026", await page.Locator("h1").InnerTextAsync());
        var years = await page.GetByTestId("report-years-table").Locator("tbody tr").AllInnerTextsAsync();
        Assert.Equal(4, years.Count);
        Assert.StartsWith("2026 hittills", years[3], StringComparison.Ordinal);
        foreach (var year in new[] { 2024, 2025 })
        {
            var period = await ApiAsync<PublishedIndexPeriod>(page, $"/api/municipality/index/years/{year}");
            var cells = await page.GetByTestId("report-years-table").Locator("tbody tr").Nth(year - 2023).Locator("th, td").AllInnerTextsAsync();
            SwedishText.Shows(period.Index!.Total, cells[1]);
            Assert.Equal(period.Index.Dagligvaror is null ? "visas inte" : period.Index.Dagligvaror.Value.ToString("0.0", CultureInfo.GetCultureInfo("sv-SE")), cells[2]);
            Assert.Equal(period.Index.Sallankop is null ? "visas inte" : period.Index.Sallankop.Value.ToString("0.0", CultureInfo.GetCultureInfo("sv-SE")), cells[3]);
        }

        var outlook = await ApiAsync<PublishedOutlook>(page, "/api/municipality/index/outlook");
        Assert.Contains(outlook.Expected.ToString("0.0", CultureInfo.GetCultureInfo("sv-SE")), await TextAsync(page, "report-outlook"), StringComparison.Ordinal);
        Assert.Contains("Det saknas", await TextAsync(page, "report-gap"), StringComparison.Ordinal);
        Assert.Contains("rapporterades av butikernas agenter", await TextAsync(page, "report-coverage"), StringComparison.Ordinal);
        Assert.StartsWith("Räknat med rikets siffror 2017 och befolkning 2017", await TextAsync(page, "index-basis"), StringComparison.Ordinal);
        Assert.Contains("Tolv månader till och med", await page.Locator("#report-trend").InnerTextAsync(), StringComparison.Ordinal);

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.False(await page.Locator("header#top").IsVisibleAsync(), "the page's bar is not printed");
        Assert.False(await page.Locator("#print").IsVisibleAsync(), "nor the print button");
        await page.PdfAsync(new() { Path = Path.Combine(ArtefactFolder, "kommun-arsrapport.pdf"), Format = "A4" });
        await ScreenshotAsync(page, "kommun-arsrapport-utskrift");
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.SetViewportSizeAsync(390, 844);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the report fits a phone");
        await ScreenshotAsync(page, "kommun-arsrapport-telefon");
    }

    [Fact]
    public async Task On_a_phone_the_subsidy_links_are_on_the_screen()
    {
        var page = await demo.OpenAsync("kommunen", "/kommun", 390, 844);
        var link = page.GetByTestId("subsidy-table").GetByRole(AriaRole.Link, new() { Name = "utskrift" }).First;
        var box = (await link.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"the first print link is at {box.X:F0}–{box.X + box.Width:F0} px on a 390 px phone");

        // The statement's print page it opens is made for a phone too.
        await link.ClickAsync();
        await page.WaitForURLAsync(new Regex("/subsidy/.+/print$"));
        Assert.Equal("width=device-width, initial-scale=1", await page.Locator("meta[name=viewport]").GetAttributeAsync("content"));
        var wide = await page.EvaluateAsync<string>("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390 && !e.closest('.scroll')).map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, $"the statement fits a phone (wider: {wide})");
        await ScreenshotAsync(page, "kommun-bidrag-utskrift-telefon");
    }

    [GeneratedRegex(@"\(([+−]\d+(?:,\d+)?) %")]
    private static partial Regex ChangeShown();
}
