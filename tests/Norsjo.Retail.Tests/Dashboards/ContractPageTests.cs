using System.Net;
using System.Text.Json.Nodes;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// Issue 15, one contract: the OpenAPI document describes every answer of the API, the build writes
/// the same document the hub serves (the pages' TypeScript types are generated from it), and a
/// table shown on two pages is one table.
/// </summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(DashboardsGroup.Name)]
public sealed class ContractPageTests(DemoHubFixture demo)
{
    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    [Fact]
    public async Task The_document_the_build_wrote_for_the_pages_is_the_one_the_hub_serves()
    {
        var page = await demo.OpenAsync("admin", "/admin");
        var served = JsonNode.Parse(await (await page.Context.APIRequest.GetAsync("/openapi/v1.json")).TextAsync());
        var path = Path.Combine(RepositoryRoot, "dashboards", "openapi.json");
        Assert.True(File.Exists(path), "the hub's build writes dashboards/openapi.json");
        var built = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        served!.AsObject().Remove("servers"); // the address it was asked at, which a build cannot know
        var differ = served.AsObject().Where(p => !JsonNode.DeepEquals(p.Value, built[p.Key])).Select(p => p.Key).ToList();
        Assert.True(differ.Count == 0 && served.AsObject().Count == built.Count,
            $"dashboards/openapi.json differs from /openapi/v1.json in {string.Join(", ", differ)}: build the hub again (dotnet build)");
    }

    [Fact]
    public async Task Every_endpoint_is_named_and_describes_its_answer()
    {
        var document = await DocumentAsync();
        var missing = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods.Where(m => item![m] is not null))
            {
                var operation = item![method]!;
                var what = $"{method.ToUpperInvariant()} {path}";
                if (operation["operationId"] is null)
                {
                    missing.Add(what + ": no name (WithName)");
                }

                var responses = operation["responses"]!.AsObject();
                var success = responses.FirstOrDefault(r => r.Key.StartsWith('2'));
                if (success.Value is null)
                {
                    missing.Add(what + ": no 2xx answer");
                }
                else if (success.Key != "204" && success.Value["content"]?.AsObject().Select(c => c.Value?["schema"]).FirstOrDefault() is null)
                {
                    missing.Add(what + $": its {success.Key} answer has no schema");
                }

                if (path.StartsWith("/api/", StringComparison.Ordinal) && responses["400"] is null)
                {
                    missing.Add(what + ": the refusals (400) are not described");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
        Assert.True(document["paths"]!.AsObject().Count >= 40, "every endpoint is in the document");
    }

    [Fact]
    public async Task The_answers_say_every_field_is_there_and_the_constants_the_pages_show()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        static IEnumerable<string> Required(JsonNode schema) => schema["required"]!.AsArray().Select(r => r!.GetValue<string>());

        // Computed and init-only properties are always written: the pages' types must not call them optional.
        Assert.Contains("totalKr", Required(schemas["Turnover"]!));
        Assert.Contains("methodText", Required(schemas["ForecastView"]!));
        Assert.Contains("late", Required(schemas["Freshness"]!));
        Assert.Equal("integer", schemas["TrendPoint"]!["properties"]!["receipts"]!["type"]!.GetValue<string>()); // a number, not "integer or string"
        foreach (var constant in new[] { "target", "minimumStores", "estimateUncertainty", "settleDays" })
        {
            Assert.Contains(constant, Required(schemas["IndexBasis"]!));
        }
    }

    [Fact]
    public async Task Only_an_admin_reads_the_document()
    {
        var anonymous = await demo.NewPageAsync();
        Assert.Equal((int)HttpStatusCode.Unauthorized, (await anonymous.Context.APIRequest.GetAsync("/openapi/v1.json")).Status);
        var owner = await demo.OpenAsync("agare-kusfors", "/butik/" + OwnStore);
        Assert.Equal((int)HttpStatusCode.Forbidden, (await owner.Context.APIRequest.GetAsync("/openapi/v1.json")).Status);
    }

    public static TheoryData<int, int> Screens => new() { { 1280, 900 }, { 390, 844 } };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task The_calendar_year_table_is_one_table_on_kommun_and_in_the_report_and_keyboard_reachable_where_it_scrolls(int width, int height)
    {
        var headers = new List<IReadOnlyList<string>>();
        foreach (var (path, testId) in new[] { ("/kommun", "years-table"), ("/kommun/rapport", "report-years-table") })
        {
            var page = await demo.OpenAsync("kommunen", path, width, height);
            var table = page.GetByTestId(testId);
            headers.Add(await table.Locator("thead th").AllInnerTextsAsync());

            var wrapper = table.Locator("xpath=..");
            var scrolls = await wrapper.EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth");
            Assert.Equal(scrolls ? "0" : null, await wrapper.GetAttributeAsync("tabindex"));
            Assert.Equal(scrolls ? "region" : null, await wrapper.GetAttributeAsync("role"));
            var axe = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "rule", Values = ["scrollable-region-focusable"] } });
            Assert.True(axe.Violations.Length == 0, string.Join("\n", axe.Violations.SelectMany(v => v.Nodes.Select(n => n.Html))));
            await ScreenshotAsync(page, $"kalenderar{path.Replace('/', '-')}-{(width < 500 ? "telefon" : "dator")}");
        }

        Assert.Equal(["År", "Total", "Dagligvaror", "Sällanköp", "Täckning", "Anmärkning"], headers[0]);
        Assert.Equal(headers[0], headers[1]);
    }

    [Fact]
    public async Task On_the_last_day_of_a_month_the_report_and_kommun_show_the_same_calendar_years()
    {
        await AtAsync(LastOfNovember, async () =>
        {
            var kommun = await demo.OpenAsync("kommunen", "/kommun", 390, 844);
            var report = await demo.OpenAsync("kommunen", "/kommun/rapport", 390, 844);
            var onKommun = await kommun.GetByTestId("years-table").Locator("tbody tr").AllInnerTextsAsync();
            var inReport = await report.GetByTestId("report-years-table").Locator("tbody tr").AllInnerTextsAsync();
            Assert.StartsWith("2026 hittills", onKommun[^1], StringComparison.Ordinal);
            Assert.Equal(onKommun, inReport.TakeLast(onKommun.Count));
            await ScreenshotAsync(kommun, "kommun-30-november-telefon");
        });
    }

    private async Task<JsonNode> DocumentAsync()
    {
        var page = await demo.OpenAsync("admin", "/admin");
        var response = await page.Context.APIRequest.GetAsync("/openapi/v1.json");
        Assert.True(response.Ok, $"GET /openapi/v1.json as admin: {response.Status}");
        return JsonNode.Parse(await response.TextAsync())!;
    }
}
