using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Dashboards;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The kommunöversikt's API on a real hub seeded from the shipped registry.yaml and service-points.yaml,
/// its clock fixed (1 December 2026, 14:00 in Norsjö, a Tuesday): the open data in its three formats,
/// the public overview (open now, nearest by the distances table), refusals per field, who may edit
/// what, confirmation and staleness as the clock moves, the silent-shop flag and the service watch.
/// Each test sets the clock it needs and puts it back; the tests that change places change their own.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ServicePointApiTests(ServicePointApiTests.Data data, ClickHouseServerFixture clickHouse) : IClassFixture<ServicePointApiTests.Data>
{
    public const string Password = "ett-langt-losenord";
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 14, 0, 0, TimeSpan.FromHours(1));
    private readonly RunningHub _hub = data.Hub;

    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public RunningHub Hub { get; private set; } = null!;

        public FixedClock Clock { get; } = new(Start);

        public async Task InitializeAsync()
        {
            var hubFolder = Path.Combine(DemoHubFixture.RepositoryRoot, "hub", "Norsjo.Retail.Hub");
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--ServicePoints:SeedFile=" + Path.Combine(hubFolder, "service-points.yaml")])
            {
                Registry = await File.ReadAllTextAsync(Path.Combine(hubFolder, "registry.yaml")),
                Clock = Clock,
            });
            var users = Hub.Services.GetRequiredService<UserStore>();
            await users.SaveAsync("admin", Password, UserRole.Admin, []);
            await users.SaveAsync("redaktor", Password, UserRole.MunicipalityEditor, []);
            await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
            await users.SaveAsync("agare-kusfors", Password, UserRole.StoreOwner, ["kusfors-handel"]);
        }

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }

    private HttpClient Anonymous() => new() { BaseAddress = _hub.HttpUrl };

    private async Task<HttpClient> SignedInAsync(string user)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = _hub.HttpUrl };
        var login = await http.PostAsJsonAsync("/api/login", new { username = user, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return http;
    }

    private async Task AtAsync(DateTimeOffset at, Func<Task> test)
    {
        var before = data.Clock.Now;
        data.Clock.Now = at;
        try
        {
            await test();
        }
        finally
        {
            data.Clock.Now = before;
        }
    }

    private static object Edit(string[] services, string[] payments, string latitude = "64,9", string longitude = "19,5", string[]? deliveries = null,
        string? name = null, string? village = null, Dictionary<string, string>? hours = null, string other = "") => new
        {
            name,
            village,
            hours,
            services,
            homeDeliveryVillages = deliveries ?? [],
            payments,
            otherServices = other,
            latitude,
            longitude,
        };

    [Fact]
    public async Task The_open_data_is_geojson_with_lon_lat_in_sweden_csv_and_json_all_without_anyone_s_name()
    {
        using var http = Anonymous();
        var geo = await http.GetAsync(new Uri("/api/open/service-points.geojson", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, geo.StatusCode);
        Assert.Equal("application/geo+json", geo.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await geo.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        var features = root.GetProperty("features").EnumerateArray().ToList();
        Assert.True(features.Count >= 7, $"{features.Count} features");
        foreach (var feature in features)
        {
            Assert.Equal("Feature", feature.GetProperty("type").GetString());
            var geometry = feature.GetProperty("geometry");
            Assert.Equal("Point", geometry.GetProperty("type").GetString());
            var position = geometry.GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()).ToList();
            Assert.Equal(2, position.Count);
            var properties = feature.GetProperty("properties");
            // RFC 7946: longitude first. Norsjö lies near 64.9 N, 19.5 E.
            Assert.Equal(properties.GetProperty("longitude").GetDouble(), position[0]);
            Assert.Equal(properties.GetProperty("latitude").GetDouble(), position[1]);
            Assert.InRange(position[0], 10.5, 24.2);
            Assert.InRange(position[1], 55.0, 69.1);
            Assert.True(position[1] > position[0], "latitude and longitude are not swapped");
            Assert.False(properties.TryGetProperty("confirmedBy", out _), "who confirmed is not public");
        }

        var kusfors = features.Single(f => f.GetProperty("id").GetString() == "kusfors-handel").GetProperty("properties");
        Assert.Equal("Björks lanthandel (exempel)", kusfors.GetProperty("name").GetString());
        Assert.Equal("Kusfors", kusfors.GetProperty("village").GetString());
        Assert.Equal("10:00-18:00", kusfors.GetProperty("openingHours").GetProperty("mon").GetString()); // the registry's hours, not a copy

        var csv = await http.GetAsync(new Uri("/api/open/service-points.csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        using var reader = new CsvReader(new StringReader(await csv.Content.ReadAsStringAsync()), new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = ";" });
        var rows = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(features.Count, rows.Count);
        var row = rows.Single(r => (string)r["id"] == "bastutrask-lanthandel");
        Assert.Equal("Bastuträsk", row["village"]);
        Assert.Equal(64.7886, double.Parse((string)row["latitude"], NumberStyles.Float, CultureInfo.GetCultureInfo("sv-SE")), 4);
        Assert.Contains("drivmedel", ((string)row["services"]).Split(", "));
        Assert.Equal("kontant, kort, swish, faktura", row["payments"]);
        // Opening hours one weekday a column, the registry's hours (mon-fri 09:00-19:00, sat 10:00-15:00, sun closed).
        Assert.Equal(["09:00-19:00", "09:00-19:00", "09:00-19:00", "09:00-19:00", "09:00-19:00", "10:00-15:00", "closed"],
            new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" }.Select(d => (string)row["hours_" + d]));

        var json = await http.GetStringAsync(new Uri("/api/open/service-points.json", UriKind.Relative));
        Assert.Equal(features.Count, JsonDocument.Parse(json).RootElement.GetArrayLength());
        Assert.DoesNotContain(ServicePointsStoreSeededBy, json, StringComparison.Ordinal);
    }

    private const string ServicePointsStoreSeededBy = Norsjo.Retail.Hub.ServicePoints.ServicePointStore.SeededBy;

    [Fact]
    public async Task The_public_overview_says_what_is_open_now_and_the_nearest_of_each_service_by_the_shortest_way()
    {
        using var http = Anonymous();
        var overview = await http.GetFromJsonAsync<JsonElement>("/api/open/service");
        JsonElement Place(JsonElement o, string id) => o.GetProperty("places").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);
        JsonElement Nearest(JsonElement o, string village, string service) => o.GetProperty("villages").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == village).GetProperty("nearest").EnumerateArray().Single(n => n.GetProperty("service").GetString() == service);

        // Tuesday 14:00: Björks lanthandel (10–18) is open.
        Assert.True(Place(overview, "kusfors-handel").GetProperty("openNow").GetBoolean());
        Assert.Equal("öppet till 18:00", Place(overview, "kusfors-handel").GetProperty("openText").GetString());
        // Petiknäs has no fuel: Kusfors 9 km, then Norsjö 30 km on: 39 km, nearer than Bastuträsk (9 + 50).
        var fuel = Nearest(overview, "Petiknäs", "drivmedel");
        Assert.Equal("Drivmedelsstation Norsjö (exempel)", fuel.GetProperty("placeName").GetString());
        Assert.Equal(39m, fuel.GetProperty("km").GetDecimal());
        // Home delivery reaches Petiknäs from Kusfors: 0 km.
        Assert.Equal(0m, Nearest(overview, "Petiknäs", "hemsandning").GetProperty("km").GetDecimal());
        Assert.Equal("Kusfors", Nearest(overview, "Petiknäs", "hemsandning").GetProperty("village").GetString());

        await AtAsync(new DateTimeOffset(2026, 12, 1, 22, 30, 0, TimeSpan.FromHours(1)), async () =>
        {
            var late = await http.GetFromJsonAsync<JsonElement>("/api/open/service");
            Assert.False(Place(late, "kusfors-handel").GetProperty("openNow").GetBoolean());
            Assert.Equal("stängt resten av dagen", Place(late, "kusfors-handel").GetProperty("openText").GetString());
            Assert.True(Place(late, "drivmedel-norsjo").GetProperty("openNow").GetBoolean());
            Assert.Equal("öppet dygnet runt", Place(late, "drivmedel-norsjo").GetProperty("openText").GetString());
        });

        // Summer time: 1 July at 09:30 in Norsjö is 07:30 UTC; the library opens at 10.
        await AtAsync(new DateTimeOffset(2027, 7, 1, 7, 30, 0, TimeSpan.Zero), async () =>
        {
            var summer = await http.GetFromJsonAsync<JsonElement>("/api/open/service");
            Assert.Equal("stängt, öppnar 10:00", Place(summer, "norsjo-bibliotek").GetProperty("openText").GetString());
        });
    }

    [Fact]
    public async Task A_place_is_refused_per_field_in_swedish_and_nothing_is_stored()
    {
        using var editor = await SignedInAsync("redaktor");
        var refused = await editor.PutAsJsonAsync("/api/admin/service-points/ny-plats",
            Edit(["bensin", "hemsandning"], [], latitude: "91", longitude: "öster", name: "Ny plats", village: "Norsjö", hours: new() { ["mon"] = "25:00-26:00" }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        string First(string field) => errors.GetProperty(field)[0].GetString()!;
        Assert.Equal("'bensin' är ingen tjänst i listan.", First("services"));
        Assert.Equal("Välj minst ett sätt att betala.", First("payments"));
        Assert.Equal("Ange vilka byar hemsändningen når.", First("homeDeliveryVillages"));
        Assert.StartsWith("Latitud 91 ligger inte i Sverige", First("latitude"), StringComparison.Ordinal);
        Assert.StartsWith("'öster' är ingen longitud", First("longitude"), StringComparison.Ordinal);
        Assert.StartsWith("'25:00-26:00' ska vara TT:MM-TT:MM", First("hours.mon"), StringComparison.Ordinal); // the registry's own rule

        var swapped = await editor.PutAsJsonAsync("/api/admin/service-points/ny-plats", Edit(["paketbox"], ["kort"], latitude: "19,48", longitude: "64,91", name: "Paketbox", village: "Norsjö", hours: new() { ["mon-sun"] = "00:00-24:00" }));
        Assert.Equal(HttpStatusCode.BadRequest, swapped.StatusCode);
        Assert.StartsWith("Latitud och longitud verkar omkastade", (await swapped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("latitude")[0].GetString(), StringComparison.Ordinal);

        // Inside the box around Sweden, but Copenhagen: the outline refuses it, swapped axes or not.
        var danish = await editor.PutAsJsonAsync("/api/admin/service-points/ny-plats", Edit(["paketbox"], ["kort"], latitude: "55,676", longitude: "12,568", name: "Paketbox", village: "Norsjö", hours: new() { ["mon-sun"] = "00:00-24:00" }));
        Assert.Equal(HttpStatusCode.BadRequest, danish.StatusCode);
        Assert.Equal("Punkten 55,676 N, 12,568 Ö ligger inte i Sverige: kontrollera koordinaterna (WGS84, decimala grader).",
            (await danish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("latitude")[0].GetString());

        using var http = Anonymous();
        Assert.DoesNotContain("ny-plats", await http.GetStringAsync(new Uri("/api/open/service-points.json", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_owner_edits_their_own_shop_never_another_and_the_municipality_reads_but_does_not_edit()
    {
        using var owner = await SignedInAsync("agare-kusfors");
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PutAsJsonAsync("/api/stores/norsjo-livs/service-point", Edit(["dagligvaror"], ["kort"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync(new Uri("/api/stores/norsjo-livs/service-point", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostAsync(new Uri("/api/stores/norsjo-livs/service-point/confirm", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PutAsJsonAsync("/api/admin/service-points/norsjo-livs", Edit(["dagligvaror"], ["kort"]))).StatusCode);

        var own = await owner.PutAsJsonAsync("/api/stores/kusfors-handel/service-point",
            Edit(["dagligvaror", "paketombud", "apoteksombud", "hemsandning", "servicepunkt", "kontantuttag"], ["kontant", "kort", "swish"], "64,989", "19,948", ["Petiknäs", "Böle", "Gallejaur"],
                name: "Ett annat namn", other: "Fika och byns anslagstavla"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var saved = await own.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Björks lanthandel (exempel)", saved.GetProperty("name").GetString()); // a shop's name is the registry's
        Assert.Contains("kontantuttag", saved.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("agare-kusfors", saved.GetProperty("confirmedBy").GetString());

        using var municipality = await SignedInAsync("kommunen");
        Assert.Equal(HttpStatusCode.OK, (await municipality.GetAsync(new Uri("/api/municipality/service-points", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await municipality.PutAsJsonAsync("/api/admin/service-points/kusfors-handel", Edit(["dagligvaror"], ["kort"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await municipality.PutAsJsonAsync("/api/stores/kusfors-handel/service-point", Edit(["dagligvaror"], ["kort"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync(new Uri("/api/municipality/service-points", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_entry_not_confirmed_for_a_quarter_is_stale_first_in_the_list_and_one_click_confirms_it()
    {
        // Three months after the seed: every seeded entry is due.
        await AtAsync(Start.AddMonths(3).AddHours(1), async () =>
        {
            using var owner = await SignedInAsync("agare-kusfors");
            var before = await owner.GetFromJsonAsync<JsonElement>("/api/stores/kusfors-handel/service-point");
            Assert.True(before.GetProperty("confirmationDue").GetBoolean());

            using var municipality = await SignedInAsync("kommunen");
            var list = (await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/service-points")).GetProperty("points").EnumerateArray().ToList();
            Assert.True(list[0].GetProperty("stale").GetBoolean());

            var confirmed = await owner.PostAsync(new Uri("/api/stores/kusfors-handel/service-point/confirm", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            var after = await owner.GetFromJsonAsync<JsonElement>("/api/stores/kusfors-handel/service-point");
            Assert.False(after.GetProperty("confirmationDue").GetBoolean());
            Assert.Equal("agare-kusfors", after.GetProperty("point").GetProperty("confirmedBy").GetString());
            Assert.Equal("2027-03-01 15:00", after.GetProperty("point").GetProperty("confirmedAt").GetString());

            // Stale ones first: the confirmed shop is after every stale entry.
            list = (await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/service-points")).GetProperty("points").EnumerateArray().ToList();
            var index = list.FindIndex(p => p.GetProperty("id").GetString() == "kusfors-handel");
            Assert.All(list.Take(index), p => Assert.True(p.GetProperty("stale").GetBoolean() || p.GetProperty("possiblyClosed").GetBoolean()));
            Assert.False(list[index].GetProperty("stale").GetBoolean());

            // The public page says when, never who.
            using var http = Anonymous();
            var open = await http.GetStringAsync(new Uri("/api/open/service-points.json", UriKind.Relative));
            Assert.Contains("\"lastConfirmed\":\"2027-03-01\"", open, StringComparison.Ordinal);
            Assert.DoesNotContain("agare-kusfors", open, StringComparison.Ordinal);
            Assert.DoesNotContain("agare-kusfors", await http.GetStringAsync(new Uri("/api/open/service", UriKind.Relative)), StringComparison.Ordinal);
        });

        // A quarter later still, it is due again.
        await AtAsync(Start.AddMonths(6).AddHours(2), async () =>
        {
            using var owner = await SignedInAsync("agare-kusfors");
            Assert.True((await owner.GetFromJsonAsync<JsonElement>("/api/stores/kusfors-handel/service-point")).GetProperty("confirmationDue").GetBoolean());
        });
    }

    [Fact]
    public async Task A_shop_whose_agent_has_been_silent_for_days_is_flagged_possibly_closed_on_the_list_and_the_public_page()
    {
        using (var channel = _hub.Channel())
        {
            await new Contracts.V1.Ingest.IngestClient(channel).UploadBatchAsync(
                Batch("norsjovallen-butik", "nv-1", Sale("nv-k1", 100, new DateOnly(2026, 11, 30))), RunningHub.Credential(await _hub.EnrollAsync("norsjovallen-butik")));
        }

        var agents = _hub.Services.GetRequiredService<SilentAgents>();
        using var http = Anonymous();
        bool Flagged(JsonElement points) => points.EnumerateArray().Single(p => p.GetProperty("id").GetString() == "norsjovallen-butik").GetProperty("possiblyClosed").GetBoolean();

        // Two days of silence (Thursday 14:00, open): silent, not yet "kanske stängt".
        await AtAsync(Start.AddDays(2), async () =>
        {
            await agents.CheckAsync();
            Assert.False(Flagged(await http.GetFromJsonAsync<JsonElement>("/api/open/service-points.json")));
        });

        // Nearly four days (Saturday 13:00, open 10–14): nothing heard for days, "kanske stängt".
        await AtAsync(Start.AddDays(4).AddHours(-1), async () =>
        {
            await agents.CheckAsync();
            Assert.True(Flagged(await http.GetFromJsonAsync<JsonElement>("/api/open/service-points.json")));
            var overview = await http.GetFromJsonAsync<JsonElement>("/api/open/service");
            Assert.True(Flagged(overview.GetProperty("places")));
            // Mensträsk's nearest fuel is no longer the possibly closed shop 8 km away.
            var fuel = overview.GetProperty("villages").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "Mensträsk")
                .GetProperty("nearest").EnumerateArray().Single(n => n.GetProperty("service").GetString() == "drivmedel");
            Assert.NotEqual("norsjovallen-butik", fuel.GetProperty("placeId").GetString());

            using var editor = await SignedInAsync("redaktor");
            var list = (await editor.GetFromJsonAsync<JsonElement>("/api/municipality/service-points")).GetProperty("points");
            Assert.True(Flagged(list));
            // A shop whose agent was never heard from has not gone silent: not flagged.
            Assert.False(list.EnumerateArray().Single(p => p.GetProperty("id").GetString() == "norsjo-livs").GetProperty("possiblyClosed").GetBoolean());
        });

        // It sends again: the flag goes at the next check.
        await AtAsync(Start.AddDays(5), async () =>
        {
            using (var channel = _hub.Channel())
            {
                await new Contracts.V1.Ingest.IngestClient(channel).UploadBatchAsync(
                    Batch("norsjovallen-butik", "nv-2", Sale("nv-k2", 100, new DateOnly(2026, 12, 5))), RunningHub.Credential(await _hub.EnrollAsync("norsjovallen-butik")));
            }

            await agents.CheckAsync();
            Assert.False(Flagged(await http.GetFromJsonAsync<JsonElement>("/api/open/service-points.json")));
        });
    }

    [Fact]
    public async Task The_service_watch_records_a_service_lost_and_regained_in_a_village_with_its_dates()
    {
        using (var early = await SignedInAsync("kommunen"))
        {
            var before = await early.GetFromJsonAsync<JsonElement>("/api/municipality/service-watch");
            Assert.DoesNotContain(before.GetProperty("villages").EnumerateArray(), v => v.GetProperty("village").GetString() == "Raggsjö"); // the seed is the start, not a change
        }

        // 10 January 2027: Norsjövallen's pump closes and its home delivery stops reaching Raggsjö.
        await AtAsync(new DateTimeOffset(2027, 1, 10, 12, 0, 0, TimeSpan.FromHours(1)), async () =>
        {
            using var editor = await SignedInAsync("redaktor");
            Assert.Equal(HttpStatusCode.OK, (await editor.PutAsJsonAsync("/api/admin/service-points/norsjovallen-butik",
                Edit(["dagligvaror", "laddstolpe", "paketombud", "hemsandning"], ["kontant", "kort", "swish"], "64,9636", "19,1586", ["Mensträsk", "Svansele"]))).StatusCode);
        });
        // 1 February 2027: a new station opens in Norsjövallen.
        await AtAsync(new DateTimeOffset(2027, 2, 1, 9, 0, 0, TimeSpan.FromHours(1)), async () =>
        {
            using var editor = await SignedInAsync("redaktor");
            Assert.Equal(HttpStatusCode.OK, (await editor.PutAsJsonAsync("/api/admin/service-points/drivmedel-norsjovallen",
                Edit(["drivmedel"], ["kort"], "64,9640", "19,1600", name: "Tankomat Norsjövallen", village: "Norsjövallen", hours: new() { ["mon-sun"] = "00:00-24:00" }))).StatusCode);
        });

        // Signed in now: a session from before the clock moved to 2027 has expired since.
        using var municipality = await SignedInAsync("kommunen");
        var watch = await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/service-watch?year=2027");
        List<string> Events(string village) => [.. watch.GetProperty("villages").EnumerateArray().Single(v => v.GetProperty("village").GetString() == village)
            .GetProperty("events").EnumerateArray().Select(e => $"{e.GetProperty("date").GetString()} {e.GetProperty("service").GetString()} {e.GetProperty("change").GetString()} {e.GetProperty("place").GetString()}")];
        Assert.Equal(["2027-02-01 drivmedel gained Tankomat Norsjövallen", "2027-01-10 drivmedel lost Norsjövallen Butik (exempel)"], Events("Norsjövallen"));
        Assert.Equal(["2027-01-10 hemsandning lost Norsjövallen Butik (exempel)"], Events("Raggsjö"));
        Assert.DoesNotContain((await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/service-watch?year=2026")).GetProperty("villages").EnumerateArray(),
            v => v.GetProperty("village").GetString() is "Norsjövallen" or "Raggsjö");

        using var owner = await SignedInAsync("agare-kusfors");
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync(new Uri("/api/municipality/service-watch", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_distances_table_is_refused_per_row_and_replaced_whole()
    {
        using var editor = await SignedInAsync("redaktor");
        var refused = await editor.PutAsJsonAsync("/api/admin/service-distances", new
        {
            distances = new[] { new { from = "Norsjö", to = "Norsjö", km = "3" }, new { from = "Norsjö", to = "Kusfors", km = "-4" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("Avståndet gäller två olika byar.", errors.GetProperty("distances[0].to")[0].GetString());
        Assert.Equal("'-4' ska vara ett avstånd i km, större än 0 och högst 500.", errors.GetProperty("distances[1].km")[0].GetString());
        var kept = await editor.GetFromJsonAsync<JsonElement>("/api/municipality/service-distances");
        Assert.Equal(18, kept.GetProperty("distances").GetArrayLength());
    }

    [Fact]
    public async Task The_anonymous_endpoints_are_rate_limited_per_address()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url,
            new HubSettings(ExtraArgs: ["--ServicePoints:OpenBurstPerAddress=3", "--ServicePoints:OpenRequestsPerMinutePerAddress=1"]), "butik-a");
        using var http = new HttpClient { BaseAddress = hub.HttpUrl };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/api/open/service-points.json", UriKind.Relative))).StatusCode);
        }

        var limited = await http.GetAsync(new Uri("/api/open/service", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("För många förfrågningar", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
