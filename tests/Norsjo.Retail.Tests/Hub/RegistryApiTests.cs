using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Dashboards;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The registry on a real hub seeded from the shipped registry.yaml, today fixed at 2026-05-04:
/// who may edit, what the index basis says before and after a year gets its figures, a refusal per
/// field, the store owner's own opening hours seen at once by the silent-agent check, export/import.
/// Each test changes its own item, so the order they run in does not matter.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class RegistryApiTests(RegistryApiTests.Data data) : IClassFixture<RegistryApiTests.Data>
{
    private const string Password = "ett-langt-losenord";
    private readonly RunningHub _hub = data.Hub;

    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public RunningHub Hub { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var registry = await File.ReadAllTextAsync(Path.Combine(DemoHubFixture.RepositoryRoot, "hub", "Norsjo.Retail.Hub", "registry.yaml"));
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings
            {
                Registry = registry,
                Clock = new FixedClock(new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.FromHours(2))),
            });
            var users = Hub.Services.GetRequiredService<UserStore>();
            await users.SaveAsync("admin", Password, UserRole.Admin, []);
            await users.SaveAsync("redaktor", Password, UserRole.MunicipalityEditor, []);
            await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
            await users.SaveAsync("agare-kusfors", Password, UserRole.StoreOwner, ["kusfors-handel"]);
        }

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }

    private async Task<HttpClient> SignedInAsync(string user)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = _hub.HttpUrl };
        var login = await http.PostAsJsonAsync("/api/login", new { username = user, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return http;
    }

    [Fact]
    public async Task The_municipality_editor_and_the_admin_edit_the_registry_nobody_else()
    {
        foreach (var (user, expected) in new[] { ("kommunen", HttpStatusCode.Forbidden), ("agare-kusfors", HttpStatusCode.Forbidden), ("redaktor", HttpStatusCode.OK), ("admin", HttpStatusCode.OK) })
        {
            using var http = await SignedInAsync(user);
            Assert.Equal(expected, (await http.GetAsync(new Uri("/api/admin/registry", UriKind.Relative))).StatusCode);
        }

        using var editor = await SignedInAsync("redaktor");
        Assert.Equal(HttpStatusCode.OK, (await editor.GetAsync(new Uri("/api/municipality/index/basis", UriKind.Relative))).StatusCode); // sees what the municipality sees
    }

    [Fact]
    public async Task A_year_without_figures_is_provisional_until_the_editor_gives_them_with_their_sources()
    {
        using var editor = await SignedInAsync("redaktor");
        var registry = await editor.GetFromJsonAsync<JsonElement>("/api/admin/registry");
        Assert.Contains(registry.GetProperty("missing").EnumerateArray(), m => m.GetProperty("year").GetInt32() == 2024 && m.GetProperty("borrowedFrom").GetInt32() == 2017);
        var basis = await editor.GetFromJsonAsync<JsonElement>("/api/municipality/index/basis");
        var year2024 = basis.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2024);
        Assert.True(year2024.GetProperty("provisional").GetBoolean());
        Assert.StartsWith("preliminärt: 2024 saknar", year2024.GetProperty("text").GetString(), StringComparison.Ordinal);

        var put = await editor.PutAsJsonAsync("/api/admin/registry/years/2024", new
        {
            population = "4 050",
            dagligvarorPerResidentKr = "41200",
            sallankopPerResidentKr = "36100",
            incomeFactor = "0,93",
            populationSource = "SCB",
            nationalTurnoverSource = "HUI",
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        basis = await editor.GetFromJsonAsync<JsonElement>("/api/municipality/index/basis");
        year2024 = basis.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2024);
        Assert.False(year2024.GetProperty("provisional").GetBoolean());
        Assert.Equal("räknat med befolkning 31 dec 2024 (SCB), rikets omsättning 2024 (HUI)", year2024.GetProperty("text").GetString());
        // 2026 now borrows 2024's, and says so.
        Assert.True(basis.GetProperty("provisional").GetBoolean());
        Assert.Equal(2024, basis.GetProperty("figuresYear").GetInt32());
        Assert.Contains("befolkning 31 dec 2024 (SCB)", basis.GetProperty("basis").GetString(), StringComparison.Ordinal);
        registry = await editor.GetFromJsonAsync<JsonElement>("/api/admin/registry");
        Assert.DoesNotContain(registry.GetProperty("missing").EnumerateArray(), m => m.GetProperty("year").GetInt32() == 2024);
        var history = await editor.GetFromJsonAsync<JsonElement>("/api/admin/registry/history/year/2024");
        Assert.Equal(("redaktor", ""), (history[0].GetProperty("changedBy").GetString(), history[0].GetProperty("oldYaml").GetString()));
        Assert.Equal(0.93m, _hub.Services.GetRequiredService<StoreRegistry>().Years.Single(y => y.Year == 2024).IncomeFactor);
    }

    [Fact]
    public async Task A_refused_edit_is_a_400_naming_each_field()
    {
        using var editor = await SignedInAsync("redaktor");
        var put = await editor.PutAsJsonAsync("/api/admin/registry/stores/bastutrask-lanthandel", new
        {
            opened = "igår",
            hours = new Dictionary<string, string> { ["mon"] = "09:00-08:00", ["tue"] = "09:00-17:00" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var errors = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["hours.mon", "opened"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Affärn i Bastuträsk (exempel)", _hub.Services.GetRequiredService<StoreRegistry>().Find("bastutrask-lanthandel")!.Name);
    }

    [Fact]
    public async Task A_store_owner_sets_their_own_opening_hours_and_the_silent_agent_check_uses_them_at_once()
    {
        // Monday 10:00: the shop opens at 10 and its agent has sent nothing, so it is silent ...
        var agents = _hub.Services.GetRequiredService<SilentAgents>();
        Assert.True((await agents.CheckAsync(CancellationToken.None)).Single(s => s.StoreId == "kusfors-handel").Silent);

        using var owner = await SignedInAsync("agare-kusfors");
        var hours = new Dictionary<string, string> { ["mon-fri"] = "12:00-18:00", ["sat"] = "10:00-14:00", ["sun"] = "closed" };
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync("/api/stores/kusfors-handel/opening-hours", new { hours })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PutAsJsonAsync("/api/stores/norsjo-livs/opening-hours", new { hours })).StatusCode);

        // ... and once the owner says Mondays open at 12, it is not, at once.
        Assert.False((await agents.CheckAsync(CancellationToken.None)).Single(s => s.StoreId == "kusfors-handel").Silent);
        Assert.False(_hub.Services.GetRequiredService<StoreRegistry>().Find("kusfors-handel")!.Hours.IsOpen(DayOfWeek.Wednesday, new TimeOnly(11, 0)));
        using var admin = await SignedInAsync("admin");
        var history = await admin.GetFromJsonAsync<JsonElement>("/api/admin/registry/history/store/kusfors-handel");
        Assert.Equal("agare-kusfors", history[0].GetProperty("changedBy").GetString());
    }

    [Fact]
    public async Task The_history_says_per_field_what_changed_old_to_new_who_and_when()
    {
        using var editor = await SignedInAsync("redaktor");
        var put = await editor.PutAsJsonAsync("/api/admin/registry/stores/norsjo-livs", new
        {
            name = "Norsjö Livs",
            hours = new Dictionary<string, string> { ["mon-fri"] = "08:00-21:00", ["sat"] = "09:00-18:00", ["sun"] = "11:00-18:00" },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var history = await editor.GetFromJsonAsync<JsonElement>("/api/admin/registry/history/store/norsjo-livs");
        Assert.Equal(
            [("Namn", "Norsjö Livs (exempel)", "Norsjö Livs"), ("Öppettider", "mån–fre 08–20, lör 09–18, sön 11–18", "mån–fre 08–21, lör 09–18, sön 11–18")],
            history[0].GetProperty("fields").EnumerateArray().Select(f => (f.GetProperty("field").GetString(), f.GetProperty("old").GetString(), f.GetProperty("new").GetString())));
        Assert.Equal(
            ["Namn: Norsjö Livs (exempel) → Norsjö Livs, av redaktor, 4 maj 2026 10:00",
             "Öppettider: mån–fre 08–20, lör 09–18, sön 11–18 → mån–fre 08–21, lör 09–18, sön 11–18, av redaktor, 4 maj 2026 10:00"],
            history[0].GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
        // The row the file seeded is the store's first: every field new.
        Assert.Contains("Ort: – → Norsjö, av registerfilen", history[1].GetProperty("lines").EnumerateArray().Select(l => l.GetString()).First(l => l!.StartsWith("Ort:", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_and_import_the_whole_registry_in_the_file_format()
    {
        using var admin = await SignedInAsync("admin");
        var exported = await admin.GetStringAsync(new Uri("/api/admin/registry/export", UriKind.Relative));
        Assert.Equal(exported, RegistryYaml.Write(RegistryFile.Parse(exported)));
        var changed = exported.Replace("Norsjövallen Butik (exempel)", "Norsjövallens Handel", StringComparison.Ordinal);
        var import = await admin.PostAsync(new Uri("/api/admin/registry/import", UriKind.Relative), new StringContent(changed, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(1, (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changed").GetInt32());
        Assert.Equal("Norsjövallens Handel", _hub.Services.GetRequiredService<StoreRegistry>().Find("norsjovallen-butik")!.Name);

        var broken = await admin.PostAsync(new Uri("/api/admin/registry/import", UriKind.Relative), new StringContent("municipality: Norsjö\nstores: 3\n", Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }
}
