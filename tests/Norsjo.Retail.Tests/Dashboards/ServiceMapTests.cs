using System.Text.Json;
using Microsoft.Playwright;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// The public page's map with a tile server configured (issue 19): a tile server of the test's own
/// (<see cref="TileServer"/>), ServicePoints:TileUrl pointing at it, and Debian's Chromium. Leaflet
/// loads its tiles from that server and nowhere else, and every place of the village is a marker.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ServiceMapTests(ClickHouseServerFixture clickHouse)
{
    [Fact]
    public async Task With_a_tile_server_the_village_map_loads_its_tiles_from_it_only_and_shows_every_place()
    {
        await using var tiles = await TileServer.StartAsync();
        var hubFolder = Path.Combine(RepositoryRoot, "hub", "Norsjo.Retail.Hub");
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs:
        [
            "--ServicePoints:SeedFile=" + Path.Combine(hubFolder, "service-points.yaml"),
            "--ServicePoints:TileUrl=" + tiles.TileUrl,
            "--ServicePoints:TileAttribution=Kartbilder: testets egen kartserver",
        ])
        {
            Registry = await File.ReadAllTextAsync(Path.Combine(hubFolder, "registry.yaml")),
            Clock = new FixedClock(FirstOfDecember),
        });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        // The tile server's certificate is its own (as the hub's is in every page test): the browser is told to accept it.
        var context = await browser.NewContextAsync(new() { BaseURL = hub.HttpUrl.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, Locale = "sv-SE", TimezoneId = "Europe/Stockholm", IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        await page.GotoAsync("/service/Kusfors");
        await ReadyAsync(page);
        var map = page.Locator("#map");
        await Assertions.Expect(map.Locator("img.leaflet-tile-loaded").First).ToBeVisibleAsync();

        // Every place of the village is a marker.
        var overview = await ApiAsync<JsonElement>(page, "/api/open/service");
        var places = overview.GetProperty("villages").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "Kusfors").GetProperty("placeIds").GetArrayLength();
        Assert.True(places > 0);
        await Assertions.Expect(map.Locator(".leaflet-overlay-pane path.leaflet-interactive")).ToHaveCountAsync(places);
        await Assertions.Expect(map.Locator(".leaflet-control-attribution")).ToContainTextAsync("testets egen kartserver");

        // Tiles from the tile server only; nothing else asked of anyone but the hub.
        var tileOrigin = tiles.Origin.GetLeftPart(UriPartial.Authority);
        var hubOrigin = hub.HttpUrl.GetLeftPart(UriPartial.Authority);
        Assert.All(await map.Locator("img.leaflet-tile").EvaluateAllAsync<string[]>("tiles => tiles.map(t => t.src)"),
            src => Assert.StartsWith(tileOrigin + "/tiles/", src, StringComparison.Ordinal));
        Assert.All(requested.Where(url => !url.StartsWith("data:", StringComparison.Ordinal)),
            url => Assert.True(url.StartsWith(hubOrigin, StringComparison.Ordinal) || url.StartsWith(tileOrigin + "/tiles/", StringComparison.Ordinal), url));
        Assert.NotEmpty(tiles.Requested);
        Assert.All(tiles.Requested, path => Assert.Matches("^/tiles/\\d+/\\d+/\\d+\\.png$", path));
        await ScreenshotAsync(page, "service-karta-kusfors");
    }
}
