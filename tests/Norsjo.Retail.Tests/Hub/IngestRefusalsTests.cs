using System.Net;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Hosting;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Subsidy;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Security.Browserless;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// What the hub refuses at ingest is kept with its reason and shown to the store's owner and the
/// admin, and a refused home delivery is listed among the deliveries without subsidy (issue 15).
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class IngestRefusalsTests(ClickHouseServerFixture clickHouse)
{
    private const string Subsidy = """
        subsidy:
          state_share: 0.5
          state_cap_per_delivery_kr: 100
          claim_threshold_kr: 0
          rules:
            - { valid_from: 2025-01-01, amount_kr: 150, min_distance_km: 2, max_per_household_per_week: 1 }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static HomeDelivery Delivery(string key, DateOnly date, string household, int distanceM, long orderValueOre) => new()
    {
        DeliveryKey = key,
        Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
        HouseholdKey = household,
        Locality = "Petiknäs",
        DistanceM = distanceM,
        OrderValueOre = orderValueOre,
    };

    private static async Task<T> GetAsync<T>(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(), Json)!;
    }

    private static async Task<RpcException> RefusedAsync(Contracts.V1.Ingest.IngestClient client, UploadBatchRequest batch, string credential) =>
        await Assert.ThrowsAsync<RpcException>(async () => await client.UploadBatchAsync(batch, RunningHub.Credential(credential)));

    [Fact]
    public async Task A_refused_item_is_kept_with_its_reason_and_shown_to_the_owner_and_the_admin_not_the_municipality()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a", "butik-b");
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("agare-a", Password, UserRole.StoreOwner, ["butik-a"]);
        await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
        await users.SaveAsync("admin", Password, UserRole.Admin, []);
        var credential = await hub.EnrollAsync("butik-a");
        using var channel = hub.Channel();
        var client = new Contracts.V1.Ingest.IngestClient(channel);

        // The second receipt's VAT is more than 6 % can be of its gross: the whole batch is refused, naming it.
        var bad = SampleBatches.Sale("kvitto-2", 10_000, new DateOnly(2026, 11, 20));
        bad.Lines[0].VatOre = 5_000;
        var batch = SampleBatches.Batch("butik-a", "b-1", SampleBatches.Sale("kvitto-1", 5_000), bad);
        var refused = await RefusedAsync(client, batch, credential);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("receipts[1].lines[0].vat_ore: ", refused.Status.Detail, StringComparison.Ordinal);
        // Sent again (an agent that did not get to set it aside): recorded once.
        await RefusedAsync(client, SampleBatches.Batch("butik-a", "b-2", bad), credential);

        using var owner = await SignedInAsync(hub.HttpUrl, "agare-a");
        var mine = await GetAsync<StoreRefusals>(owner, "/api/stores/butik-a/refusals");
        var item = Assert.Single(mine.Items);
        Assert.Equal(1, mine.Total);
        Assert.Equal(("receipt", "Kvitto", "2026-11-20", "receipts[1].lines[0].vat_ore", "momsen"), (item.Kind, item.What, item.ItemDate, item.Field, item.FieldName));
        Assert.Equal(refused.Status.Detail["receipts[1].lines[0].vat_ore: ".Length..], item.Reason);
        Assert.Equal("Kvitto: momsen godtogs inte", item.Explanation);
        Assert.DoesNotContain("kvitto-2", JsonSerializer.Serialize(mine), StringComparison.Ordinal); // the item's key stays in the hub
        Assert.Equal(0, (await GetAsync<StoreRefusals>(await SignedInAsync(hub.HttpUrl, "admin"), "/api/stores/butik-b/refusals")).Total);

        // Another store's owner, and the municipality, see none of it.
        using var municipality = await SignedInAsync(hub.HttpUrl, "kommunen");
        Assert.Equal(HttpStatusCode.Forbidden, (await municipality.GetAsync("/api/stores/butik-a/refusals")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await municipality.GetAsync("/api/admin/refusals")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync("/api/stores/butik-b/refusals")).StatusCode);

        // butik-b's till sent a day's parcels with an amount (only kontantuttag has one): refused, and counted for the admin too.
        var parcels = new UploadBatchRequest { BatchId = "s-1", StoreId = "butik-b" };
        parcels.ServiceVolumes.Add(new ServiceVolume { Date = new LocalDate { Year = 2026, Month = 11, Day = 20 }, Kind = ServiceKind.PaketUtlamnat, Count = 3, AmountOre = 1_000 });
        Assert.StartsWith("service_volumes[0].amount_ore: ", (await RefusedAsync(client, parcels, await hub.EnrollAsync("butik-b"))).Status.Detail, StringComparison.Ordinal);

        using var admin = await SignedInAsync(hub.HttpUrl, "admin");
        var counts = await GetAsync<RefusalCount[]>(admin, "/api/admin/refusals");
        Assert.Equal([("butik-a", 1, 0, 1), ("butik-b", 0, 1, 1)], counts.Select(c => (c.StoreId, c.Receipts, c.ServiceVolumes, c.Total)));

        // On the pages, in Swedish.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await OpenAsync(browser, hub, "agare-a", "/butik/butik-a");
        await Assertions.Expect(page.GetByTestId("refusals-table")).ToContainTextAsync("Kvitto: momsen godtogs inte");
        await Assertions.Expect(page.GetByTestId("refusals-table")).ToContainTextAsync("2026-11-20");
        await Assertions.Expect(page.GetByTestId("refused-count")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Screenshot("butik-avvisat"), FullPage = true });

        var adminPage = await OpenAsync(browser, hub, "admin", "/admin");
        var row = adminPage.GetByTestId("refusal-counts-table").Locator("tr", new() { HasText = "butik-a" });
        await Assertions.Expect(row.Locator("td").First).ToHaveTextAsync("1");
        var serviceColumn = await adminPage.GetByTestId("refusal-counts-table").Locator("th").AllInnerTextsAsync();
        var other = adminPage.GetByTestId("refusal-counts-table").Locator("tr", new() { HasText = "butik-b" });
        await Assertions.Expect(other.Locator("td").Nth(serviceColumn.ToList().IndexOf("Tjänster per dag") - 1)).ToHaveTextAsync("1");
        await adminPage.ScreenshotAsync(new() { Path = Screenshot("admin-avvisat"), FullPage = true });

        // The data check (`check-data`, which `./norsjo demo` runs at its end) fails on it and says so.
        var console = Console.Out;
        using var printed = new StringWriter();
        Console.SetOut(printed);
        int exit;
        try
        {
            exit = await HubCommandLine.RunAsync(["check-data", "--contentRoot=" + hub.ContentRoot, "--ClickHouse:Url=" + clickHouse.Url,
                "--ClickHouse:Database=" + hub.Database.Name, "--Operational:SqlitePath=" + RunningHub.OperationalStorePath(hub.Database.Name)]);
        }
        finally
        {
            Console.SetOut(console);
        }

        Assert.Equal(1, exit);
        Assert.Contains(printed.ToString().Split('\n'), l => l.StartsWith("FEL  butik-a", StringComparison.Ordinal) && l.Contains("1 avvisade", StringComparison.Ordinal));

        // When all of a store's data goes (end of contract), its refusals go with it.
        await hub.Services.GetRequiredService<StoreDataEraser>().EraseAsync("butik-a");
        Assert.Equal(0, (await GetAsync<StoreRefusals>(admin, "/api/stores/butik-a/refusals")).Total);
    }

    [Fact]
    public async Task Deliveries_without_subsidy_are_listed_with_why_including_those_the_hub_refused()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { RegistryExtra = Subsidy }, "butik-a");
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("agare-a", Password, UserRole.StoreOwner, ["butik-a"]);
        await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
        var credential = await hub.EnrollAsync("butik-a");
        using var channel = hub.Channel();
        var client = new Contracts.V1.Ingest.IngestClient(channel);

        var accepted = new UploadBatchRequest { BatchId = "d-1", StoreId = "butik-a" };
        accepted.HomeDeliveries.Add([
            Delivery("d1", new DateOnly(2026, 10, 5), "h1", 9_000, 40_000),  // approved
            Delivery("d2", new DateOnly(2026, 10, 6), "h1", 9_000, 30_000),  // the household's second that week
            Delivery("d3", new DateOnly(2026, 10, 7), "h2", 1_200, 25_000),  // too near
        ]);
        await client.UploadBatchAsync(accepted, RunningHub.Credential(credential));
        // A delivery whose order had a return larger than the goods: the hub refuses it, so no statement sees it.
        var negative = new UploadBatchRequest { BatchId = "d-2", StoreId = "butik-a" };
        negative.HomeDeliveries.Add(Delivery("d4", new DateOnly(2026, 10, 8), "h3", 12_000, -4_500));
        var refused = await RefusedAsync(client, negative, credential);
        Assert.StartsWith("home_deliveries[0].order_value_ore: ", refused.Status.Detail, StringComparison.Ordinal);
        await hub.Services.GetRequiredService<SubsidyLedger>().ProduceAsync(new DateOnly(2026, 10, 1));

        foreach (var user in new[] { "agare-a", "kommunen" })
        {
            using var http = await SignedInAsync(hub.HttpUrl, user);
            var report = await GetAsync<NotApprovedReport>(http, "/api/stores/butik-a/subsidy/not-approved?from=2026-10&to=2026-11");
            Assert.Equal(
                [
                    ("2026-10-06", "Hushållet har redan 1 leverans(er) vecka 2026-W41", false),
                    ("2026-10-07", "För nära butiken (1,2 km, minst 2,0 km)", false),
                    ("2026-10-08", "Hubben tog inte emot leveransen (ordervärdet godtogs inte)", true),
                ],
                report.Items.Select(i => (i.Date, i.Reason, i.RefusedAtIngest)));
            Assert.Equal([("avvisad av hubben", 1), ("fler leveranser samma vecka", 1), ("för nära", 1)], report.ByReason.Select(r => (r.Key, r.Value)).OrderBy(r => r.Key, StringComparer.Ordinal));
            Assert.Equal(3, report.Deliveries);
        }

        using var owner = await SignedInAsync(hub.HttpUrl, "agare-a");
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/api/stores/butik-a/subsidy/not-approved?from=2025-01&to=2026-10")).StatusCode);
    }

    private static string Screenshot(string name) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Dashboards.DemoHubFixture.RepositoryRoot, ".test-results", "screenshots")).FullName, name + ".png");

    private static async Task<IPage> OpenAsync(IBrowser browser, RunningHub hub, string user, string path)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = hub.HttpUrl.ToString(), Locale = "sv-SE", TimezoneId = "Europe/Stockholm", ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await Dashboards.DemoHubFixture.SignInAsync(page, user, Password);
        await page.GotoAsync(path);
        await Dashboards.DemoHubFixture.ReadyAsync(page);
        return page;
    }
}
