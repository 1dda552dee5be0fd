using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Tenancy;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// Two municipalities on one hub (issue 20, tenants): Norsjö (the first, with the stores and sales
/// of <see cref="DisclosureTests"/>, one of them consenting) and Malå (a further one: its own
/// registry, target 55, users and stores). Malå's staff ask for everything by every route and get
/// nothing of Norsjö's; each index reads its own stores and uses its own target.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class MunicipalityTenantsTests(MunicipalityTenantsTests.Data data, ITestOutputHelper output) : IClassFixture<MunicipalityTenantsTests.Data>
{
    private const string Mala = "mala";
    private static readonly DateOnly FirstMonth = new(2025, 6, 1);
    private static readonly DateOnly LastMonth = new(2025, 11, 1);
    private static readonly DateOnly Today = new(2025, 12, 20);

    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public static readonly string[] MalaStores = ["mala-a", "mala-b", "mala-c"];

        public RunningHub Hub { get; private set; } = null!;

        public KnownFigures SoldNorsjo { get; } = new();

        public KnownFigures SoldMala { get; } = new();

        /// <summary>Malå: three reporting shops in Malå, its own target and year (other national figures than Norsjö's registry, so no number is shared by chance).</summary>
        public static string MalaRegistry()
        {
            var yaml = new System.Text.StringBuilder("municipality: Malå\nindex_target: 55\nstores:\n");
            foreach (var id in MalaStores)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  - id: {id}\n    name: Butik {id}\n    village: Malå\n    opened: 2020-01-01\n    hours:\n      mon-sun: \"08:00-20:00\"\n");
            }

            return yaml.Append("years:\n  - year: 2024\n    population: 3050\n    national_turnover_per_resident_kr:\n      dagligvaror: 41811\n      sallankopsvaror: 38517\n").ToString();
        }

        public async Task InitializeAsync()
        {
            // Mid-December 2025: November has settled, and the sales are recent enough to forecast.
            var clock = new FixedClock(new DateTimeOffset(Today.Year, Today.Month, Today.Day, 9, 0, 0, TimeSpan.FromHours(1)));
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: CheapForecast.Args)
            {
                Registry = DisclosureTests.Data.Registry(),
                Municipalities = new Dictionary<string, string> { [Mala] = MalaRegistry() },
                Clock = clock,
            });
            await DisclosureTests.Data.SeedAsync(Hub, SoldNorsjo);
            var users = Hub.Services.GetRequiredService<UserStore>();
            await users.SaveAsync("mala-kommun", DisclosureTests.Data.Password, UserRole.Municipality, [], Mala, CancellationToken.None);
            await users.SaveAsync("mala-agare", DisclosureTests.Data.Password, UserRole.StoreOwner, ["mala-a"]);
            await users.SaveAsync("regionen", DisclosureTests.Data.Password, UserRole.Region, []);
            await users.SaveAsync("admin", DisclosureTests.Data.Password, UserRole.Admin, []);
            await SeedMalaAsync();

            // Norsjö's consenting shop: shown on its own to Norsjö, never to Malå.
            using var owner = await SignedInAsync("agare-a");
            Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync("/api/stores/norsjo-a/consent", new { given = true })).StatusCode);

            // Each municipality's nightly forecast and weekly outlook, as the jobs run them.
            foreach (var municipality in Hub.Services.GetRequiredService<Municipalities>().All)
            {
                await municipality.GetRequiredService<ForecastRun>().RunAsync();
                var outlook = municipality.GetRequiredService<IndexOutlook>();
                await outlook.StoreAsync(await outlook.ComputeAsync());
            }
        }

        private async Task SeedMalaAsync()
        {
            using var channel = Hub.Channel();
            var client = new Contracts.V1.Ingest.IngestClient(channel);
            var random = new Random(41);
            foreach (var store in MalaStores)
            {
                var headers = RunningHub.Credential(await Hub.EnrollAsync(store));
                var receipts = new List<Receipt>();
                // mala-a alone from June 2024 (its months held back), all three from October 2024, up to yesterday
                // (December 2025, not yet published, is read as it stands).
                var first = store == "mala-a" ? new DateOnly(2024, 6, 1) : new DateOnly(2024, 10, 1);
                for (var day = first; day < Today; day = day.AddDays(1))
                {
                    var food = random.Next(200_000, 700_000);
                    var other = random.Next(40_000, 150_000);
                    var cash = random.Next(4) == 0;
                    receipts.Add(DisclosureTests.Data.Receipt($"{store}-{day:yyyyMMdd}-d", day, "dagligvaror", day >= new DateOnly(2026, 4, 1) ? 600 : 1200, food, cash));
                    receipts.Add(DisclosureTests.Data.Receipt($"{store}-{day:yyyyMMdd}-s", day, "kläder", 2500, other, !cash));
                    SoldMala.Sale(store, day, food / 100m, other / 100m);
                    SoldMala.Add(store, "payments", day, (food + other) / 100m);
                    SoldMala.Add(store, "cash", day, (cash ? food : other) / 100m);
                }

                foreach (var (chunk, n) in receipts.Chunk(400).Select((c, n) => (c, n)))
                {
                    var batch = new UploadBatchRequest { BatchId = $"{store}-{n}", StoreId = store };
                    batch.Receipts.AddRange(chunk);
                    await client.UploadBatchAsync(batch, headers);
                }
            }
        }

        public Task<HttpClient> SignedInAsync(string user) => DisclosureTests.Data.SignedInAsync(Hub, user);

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }

    /// <summary>Every municipal GET route the pages, the report, the print pages and their CSV exports are made from, for the months of the data.</summary>
    private static IEnumerable<string> MunicipalRoutes()
    {
        string[] fixedRoutes =
        [
            "/api/me", "/api/municipality/stores", "/api/municipality/index/basis", "/api/municipality/index/years/2025", "/api/municipality/index/outlook",
            "/api/municipality/forecast", "/api/municipality/freshness", "/api/municipality/silent-agents", "/api/municipality/consents",
            "/api/municipality/service-points", "/api/municipality/service-watch", "/api/municipality/service-distances", "/api/municipality/connection",
            "/api/municipality/subsidy/claim/2025", "/api/registry", "/api/registry/export",
            $"/api/municipality/index/rolling?from={FirstMonth:yyyy-MM}&to={LastMonth:yyyy-MM}",
            $"/api/municipality/villages?from={FirstMonth:yyyy-MM}&to={LastMonth:yyyy-MM}",
            $"/api/municipality/cash-share?from={FirstMonth:yyyy-MM}&to={LastMonth:yyyy-MM}",
            $"/api/municipality/cash-handling?from={FirstMonth:yyyy-MM}&to={LastMonth:yyyy-MM}",
        ];
        foreach (var route in fixedRoutes)
        {
            yield return route;
        }

        for (var month = FirstMonth; month <= LastMonth; month = month.AddMonths(1))
        {
            yield return $"/api/municipality/deliveries?month={month:yyyy-MM}";
            yield return $"/api/municipality/subsidy/{month:yyyy-MM}";
            yield return $"/api/municipality/villages?from={month:yyyy-MM}&to={month:yyyy-MM}";
        }
    }

    /// <summary>Each route's answer (status and body) as the user gets it.</summary>
    private static async Task<List<(string Route, HttpStatusCode Status, string Body)>> AskAllAsync(HttpClient user)
    {
        var answers = new List<(string, HttpStatusCode, string)>();
        foreach (var route in MunicipalRoutes())
        {
            using var response = await user.GetAsync(new Uri(route, UriKind.Relative));
            answers.Add((route, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        return answers;
    }

    /// <summary>Every number of a JSON answer at or above 10 000 (turnover and amounts, not counts, years or hours).</summary>
    private static IEnumerable<decimal> LargeNumbers(string body)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            yield break; // YAML or HTML: looked at as text
        }

        var stack = new Stack<JsonElement>([root]);
        while (stack.TryPop(out var e))
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        stack.Push(p.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        stack.Push(item);
                    }

                    break;
                case JsonValueKind.Number when Math.Abs(e.GetDecimal()) >= 10_000:
                    yield return Math.Abs(e.GetDecimal());
                    break;
            }
        }
    }

    [Fact]
    public async Task Malas_staff_ask_for_everything_by_every_route_and_get_nothing_of_Norsjos()
    {
        using var norsjo = await data.SignedInAsync("kommunen");
        using var mala = await data.SignedInAsync("mala-kommun");
        var norsjoAnswers = await AskAllAsync(norsjo);
        var malaAnswers = await AskAllAsync(mala);

        // Norsjö's numbers (its turnover, its consenting shop's, its outlook and forecast) are nowhere in Malå's answers.
        var norsjoNumbers = norsjoAnswers.SelectMany(a => LargeNumbers(a.Body)).ToHashSet();
        Assert.True(norsjoNumbers.Count > 50, $"Norsjö's answers hold its figures ({norsjoNumbers.Count} large numbers)");
        foreach (var ((route, status, body), asked) in malaAnswers.Zip(norsjoAnswers))
        {
            output.WriteLine($"{(int)status} {route}");
            Assert.True(status == asked.Status, $"{route}: {status} for Malå, {asked.Status} for Norsjö: {body}");
            Assert.DoesNotContain(LargeNumbers(body), norsjoNumbers.Contains);
            foreach (var word in DisclosureTests.Data.Reporting.Append("bastu-e").Append("Bastuträsk").Append("Norsjö"))
            {
                Assert.False(body.Contains(word, StringComparison.Ordinal), $"{route} names {word}: {body}");
            }
        }

        // Malå's own figures are there (the routes answer, not merely refuse).
        Assert.Contains(malaAnswers, a => a.Route.StartsWith("/api/municipality/index/rolling", StringComparison.Ordinal) && LargeNumbers(a.Body).Any());
        Assert.Contains(malaAnswers, a => a.Route == "/api/municipality/index/outlook" && a.Status == HttpStatusCode.OK);

        // Norsjö's shops by their own routes: refused, never answered.
        foreach (var route in new[]
        {
            "/api/stores/norsjo-a", "/api/stores/norsjo-a/trend", "/api/stores/norsjo-a/consent", $"/api/stores/norsjo-a/subsidy/{LastMonth:yyyy-MM}",
            $"/api/stores/norsjo-a/subsidy/{LastMonth:yyyy-MM}/csv", $"/api/stores/norsjo-a/subsidy/{LastMonth:yyyy-MM}/print", "/api/stores/norsjo-a/service-point",
            "/butik/norsjo-a",
        })
        {
            using var response = await mala.GetAsync(new Uri(route, UriKind.Relative));
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Redirect,
                $"{route}: {response.StatusCode}");
        }

        // And no subtraction of Malå's answers gives away a Norsjö shop, nor one of Malå's own.
        foreach (var (truth, stores) in new[] { (data.SoldNorsjo, DisclosureTests.Data.Reporting), (data.SoldMala, Data.MalaStores) })
        {
            var attacker = new DisclosureAttacker(mala, truth);
            await attacker.GatherAsync(FirstMonth, LastMonth, [LastMonth]);
            var leaks = attacker.Leaks(stores);
            output.WriteLine($"{attacker.Requests} requests, {attacker.Observations.Count} numbers, {leaks.Count} leaks of {string.Join(",", stores)}");
            Assert.Empty(leaks);
        }
    }

    [Fact]
    public async Task Each_municipalitys_index_reads_only_its_own_stores_and_is_measured_against_its_own_target()
    {
        foreach (var (user, truth, stores, target) in new[]
        {
            ("kommunen", data.SoldNorsjo, DisclosureTests.Data.Reporting, 60m),
            ("mala-kommun", data.SoldMala, Data.MalaStores, 55m),
        })
        {
            using var staff = await data.SignedInAsync(user);
            Assert.Equal(target, (await staff.GetFromJsonAsync<JsonElement>("/api/municipality/index/basis")).GetProperty("target").GetDecimal());
            var listed = (await staff.GetFromJsonAsync<JsonElement>("/api/municipality/stores")).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
            Assert.Equal(stores.Order(StringComparer.Ordinal), listed.Where(id => stores.Contains(id)).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(listed, id => !stores.Contains(id) && !id!.StartsWith("bastu-", StringComparison.Ordinal));

            var period = (await staff.GetFromJsonAsync<JsonElement>($"/api/municipality/index/rolling?from={LastMonth:yyyy-MM}&to={LastMonth:yyyy-MM}"))[0];
            Assert.True(period.GetProperty("shown").GetBoolean(), period.ToString());
            var sold = stores.Sum(s => truth.Sum(s, "turnover:total", LastMonth.AddMonths(-11), LastMonth.AddMonths(1).AddDays(-1)));
            // Whole kronor as the hub rounds them: each category to the krona, the total their sum (Turnover.Rounded).
            Assert.InRange(period.GetProperty("reported").GetProperty("totalKr").GetDecimal(), sold - 1m, sold + 1m);
            Assert.Equal(target, period.GetProperty("gap").GetProperty("target").GetDecimal());
        }

        // The admin looks after every municipality's agents.
        using var admin = await data.SignedInAsync("admin");
        var agents = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/stores")).EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Superset(DisclosureTests.Data.Reporting.Concat(Data.MalaStores).ToHashSet(), agents.ToHashSet());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/admin/stores/mala-b/enrollment-codes", new { validDays = 1 })).StatusCode);

        // Malå's shop owner reads Malå's shop (the owner's requests follow the shop's municipality), not Norsjö's.
        using var owner = await data.SignedInAsync("mala-agare");
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(new Uri("/api/stores/mala-a", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync(new Uri("/api/stores/norsjo-a", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_region_sees_both_municipalities_side_by_side_and_nothing_either_municipalitys_staff_could_not_see()
    {
        using var region = await data.SignedInAsync("regionen");
        var from = new DateOnly(2025, 1, 1);
        var side = await region.GetFromJsonAsync<JsonElement>($"/api/region/municipalities?from={from:yyyy-MM}&to={LastMonth:yyyy-MM}");

        Assert.Equal([Municipality.FirstId, Mala], side.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        foreach (var (municipality, user, target) in new[] { (Municipality.FirstId, "kommunen", 60m), (Mala, "mala-kommun", 55m) })
        {
            using var staff = await data.SignedInAsync(user);
            var seen = side.EnumerateArray().Single(m => m.GetProperty("id").GetString() == municipality);
            Assert.Equal(target, seen.GetProperty("target").GetDecimal());
            // Exactly the municipality's own answers: every period shown or held back as its staff see it, with the same figures and reasons.
            Assert.Equal(
                await staff.GetStringAsync(new Uri($"/api/municipality/index/rolling?from={from:yyyy-MM}&to={LastMonth:yyyy-MM}", UriKind.Relative)),
                seen.GetProperty("rolling").GetRawText());
            Assert.Equal(await staff.GetStringAsync(new Uri("/api/municipality/service-watch", UriKind.Relative)), seen.GetProperty("serviceWatch").GetRawText());
        }

        // Periods with months of one Malå shop alone are held back for Malå, so for the region too.
        var mala = side[1].GetProperty("rolling").EnumerateArray().ToList();
        Assert.False(mala[0].GetProperty("shown").GetBoolean(), mala[0].ToString());
        Assert.Equal(JsonValueKind.Null, mala[0].GetProperty("index").ValueKind);
        Assert.True(mala[^1].GetProperty("shown").GetBoolean());

        // The region's role opens the region's figures only: no municipal route, no shop.
        foreach (var route in new[] { "/api/municipality/index/rolling", "/api/municipality/villages", "/api/municipality/consents", "/api/stores/mala-a" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await region.GetAsync(new Uri(route, UriKind.Relative))).StatusCode);
        }

        using var norsjo = await data.SignedInAsync("kommunen");
        Assert.Equal(HttpStatusCode.Forbidden, (await norsjo.GetAsync(new Uri("/api/region/municipalities", UriKind.Relative))).StatusCode);
    }

    /// <summary>
    /// The region's call reads once for every municipality (issue 20: 290 of them); each
    /// municipality's months from that read must be the months its own reads give — every store and
    /// every month, the one not yet published (December, with Malå's sales in it) too.
    /// </summary>
    [Fact]
    public async Task The_regions_one_read_gives_each_municipality_exactly_the_months_its_own_reads_give()
    {
        var all = data.Hub.Services.GetRequiredService<Municipalities>().All;
        var figures = all.Select(m => m.GetRequiredService<MunicipalFigures>()).ToList();
        var (from, to) = (new DateOnly(2025, 1, 1), new DateOnly(Today.Year, Today.Month, 1));
        var read = await RegionApi.ReadAsync(all, figures, from, to, data.Hub.Services.GetRequiredService<OperationalStore>(),
            data.Hub.Services.GetRequiredService<IStoreConsents>(), data.Hub.Services.GetRequiredService<ClickHouseStorage>(), CancellationToken.None);
        for (var i = 0; i < all.Count; i++)
        {
            var published = all[i].GetRequiredService<PublishedMonths>();
            var plan = await figures[i].PlanAsync(CancellationToken.None);
            var start = figures[i].RollingFrom(from);
            var own = await published.GetAsync(start, to, figures[i].LastSettledMonth, plan, CancellationToken.None);
            var regional = await published.GetAsync(start, to, figures[i].LastSettledMonth, plan, CancellationToken.None, MonthParts.Turnover, read);
            Assert.Equal(own.Keys.Order(), regional.Keys.Order());
            foreach (var month in own.Keys)
            {
                Assert.Equal(JsonSerializer.Serialize(own[month].Turnover), JsonSerializer.Serialize(regional[month].Turnover));
                Assert.Equal((own[month].Version, JsonSerializer.Serialize(own[month].Groups)), (regional[month].Version, JsonSerializer.Serialize(regional[month].Groups)));
            }

            if (all[i].Municipality.Id == Mala)
            {
                Assert.Equal(0, own[to].Version);
                Assert.Equal(Data.MalaStores, regional[to].Turnover.Select(t => t.StoreId));
                Assert.All(regional[to].Turnover, t => Assert.Equal(Today.Day - 1, t.Days));
            }
        }

        // Over HTTP, the month not yet published in the range: still each municipality's own answer.
        using var region = await data.SignedInAsync("regionen");
        var side = await region.GetFromJsonAsync<JsonElement>($"/api/region/municipalities?from={from:yyyy-MM}&to={to:yyyy-MM}");
        foreach (var (municipality, user) in new[] { (Municipality.FirstId, "kommunen"), (Mala, "mala-kommun") })
        {
            using var staff = await data.SignedInAsync(user);
            Assert.Equal(
                await staff.GetStringAsync(new Uri($"/api/municipality/index/rolling?from={from:yyyy-MM}&to={to:yyyy-MM}", UriKind.Relative)),
                side.EnumerateArray().Single(m => m.GetProperty("id").GetString() == municipality).GetProperty("rolling").GetRawText());
        }
    }

    [Fact]
    public async Task The_regions_page_shows_the_municipalities_side_by_side_in_Swedish_and_Malas_page_is_Malas()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        async Task<IPage> SignedInPageAsync(string user)
        {
            var context = await browser.NewContextAsync(new() { BaseURL = data.Hub.HttpUrl.ToString(), Locale = "sv-SE", TimezoneId = "Europe/Stockholm" });
            var page = await context.NewPageAsync();
            await Dashboards.DemoHubFixture.SignInAsync(page, user, DisclosureTests.Data.Password);
            return page;
        }

        var region = await SignedInPageAsync("regionen");
        Assert.EndsWith("/region", region.Url, StringComparison.Ordinal);
        var rows = await region.GetByTestId("region-table").Locator("tbody tr").AllInnerTextsAsync();
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("Norsjö\t60", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("Malå\t55", rows[1], StringComparison.Ordinal);
        var api = await (await region.APIRequest.GetAsync($"/api/region/municipalities?from={LastMonth:yyyy-MM}&to={LastMonth:yyyy-MM}")).JsonAsync();
        var malaIndex = api!.Value[1].GetProperty("rolling")[0].GetProperty("index").GetProperty("total").GetDecimal();
        Assert.Contains(malaIndex.ToString("0.0", CultureInfo.GetCultureInfo("sv-SE")), rows[1], StringComparison.Ordinal);
        // A period held back for Malå (months of one shop alone) is held back on the region's page, in Swedish.
        Assert.Contains("visas inte", await region.GetByTestId("region-trend-table").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);

        var mala = await SignedInPageAsync("mala-kommun");
        Assert.Equal("Handeln i Malå kommun", await mala.Locator("h1").InnerTextAsync());
        Assert.Equal(403, (await mala.GotoAsync("/region"))!.Status);
    }
}
