using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The dashboards' API on a real hub with real data: every authorisation rule is tried by someone
/// who should not pass, every bad parameter gets a 400, and the figures add up to what was sold.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class DashboardApiTests(DashboardApiTests.Data data) : IClassFixture<DashboardApiTests.Data>
{
    private const string Password = Data.Password;
    private const string Range = "from=2026-11-10&to=2026-11-19";
    private readonly RunningHub _hub = data.Hub;
    private readonly Dictionary<string, List<Receipt>> _sold = data.Sold;

    private async Task<HttpClient> SignedInAsync(string user)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = _hub.HttpUrl };
        var login = await http.PostAsJsonAsync("/api/login", new { username = user, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return http;
    }

    /// <summary>One hub with four stores' ten days, users of every role: made once for all these tests.</summary>
    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public const string Password = "ett-langt-losenord";
        private static readonly string[] Stores = ["butik-a", "butik-b", "butik-c", "butik-d"];

        public RunningHub Hub { get; private set; } = null!;

        public Dictionary<string, List<Receipt>> Sold { get; } = [];

        public async Task InitializeAsync()
        {
            // November is published from 1 December: the ten days are in November 2026.
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(null, null, null, "--Disclosure:SettleDays=0"), Stores);
            var users = Hub.Services.GetRequiredService<UserStore>();
            await users.SaveAsync("agare-a", Password, UserRole.StoreOwner, ["butik-a"]);
            await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
            await users.SaveAsync("admin", Password, UserRole.Admin, []);
            using var channel = Hub.Channel();
            var client = new Contracts.V1.Ingest.IngestClient(channel);
            var random = new Random(17);
            foreach (var store in Stores)
            {
                var headers = RunningHub.Credential(await Hub.EnrollAsync(store));
                var receipts = new List<Receipt>();
                for (var day = 0; day < 10; day++)
                {
                    var date = new DateOnly(2026, 11, 10).AddDays(day);
                    for (var i = 0; i < 20; i++)
                    {
                        var gross = random.Next(1_000, 90_000);
                        var cash = random.Next(4) == 0;
                        receipts.Add(new Receipt
                        {
                            ReceiptKey = $"{store}-{day}-{i}",
                            Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
                            MinuteOfDay = (9 * 60) + random.Next(10 * 60),
                            Channel = Channel.InStore,
                            Lines = { new ReceiptLine { Category = i % 3 == 0 ? "tobak" : "dagligvaror", VatRateBasisPoints = i % 3 == 0 ? 2500 : 600, GrossOre = gross, VatOre = gross / 20, QuantityMilli = 1000 } },
                            Payments = { new Payment { Method = cash ? PaymentMethod.Cash : PaymentMethod.Card, AmountOre = gross } },
                        });
                    }
                }

                foreach (var (chunk, n) in receipts.Chunk(100).Select((c, n) => (c, n)))
                {
                    var batch = new UploadBatchRequest { BatchId = $"{store}-{n}", StoreId = store };
                    batch.Receipts.AddRange(chunk);
                    await client.UploadBatchAsync(batch, headers);
                }

                Sold[store] = receipts;
            }
        }

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }

    [Fact]
    public async Task Without_signing_in_nothing_is_shown_and_a_wrong_password_is_refused()
    {
        using var anonymous = new HttpClient { BaseAddress = _hub.HttpUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri($"/api/stores/butik-a/trend?{Range}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/municipality/index/rolling", UriKind.Relative))).StatusCode);
        var wrong = await anonymous.PostAsJsonAsync("/api/login", new { username = "agare-a", password = "fel-losenord-123" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var unknown = await anonymous.PostAsJsonAsync("/api/login", new { username = "ingen", password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        static async Task<string?> Detail(HttpResponseMessage r) => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Equal(await Detail(wrong), await Detail(unknown));
    }

    [Fact]
    public async Task A_store_owner_sees_their_own_store_and_nothing_else()
    {
        using var owner = await SignedInAsync("agare-a");

        var trend = await owner.GetFromJsonAsync<JsonElement>($"/api/stores/butik-a/trend?grain=day&{Range}");
        Assert.Equal(10, trend.GetArrayLength());
        Assert.Equal(_sold["butik-a"].Sum(r => r.Lines.Sum(l => l.GrossOre)) / 100m, trend.EnumerateArray().Sum(p => p.GetProperty("grossKr").GetDecimal()));
        Assert.Equal(200, trend.EnumerateArray().Sum(p => p.GetProperty("receipts").GetInt64()));
        var weeks = await owner.GetFromJsonAsync<JsonElement>($"/api/stores/butik-a/trend?grain=week&{Range}");
        Assert.Equal(["2026-11-09", "2026-11-16"], weeks.EnumerateArray().Select(w => w.GetProperty("period").GetString()));
        Assert.Equal(200, weeks.EnumerateArray().Sum(p => p.GetProperty("receipts").GetInt64()));
        Assert.All(weeks.EnumerateArray(), w => Assert.Equal(0, w.GetProperty("lastYearReceipts").GetInt64()));

        foreach (var path in new[] { $"/api/stores/butik-b/trend?{Range}", $"/api/stores/butik-b/payments?{Range}", "/api/stores/finns-inte/hours",
                     "/api/municipality/index/rolling", "/api/municipality/villages", "/api/municipality/freshness", "/api/municipality/cash-share" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task The_municipality_sees_aggregates_but_no_single_store()
    {
        using var municipality = await SignedInAsync("kommunen");

        Assert.Equal(HttpStatusCode.Forbidden, (await municipality.GetAsync(new Uri($"/api/stores/butik-a/trend?{Range}", UriKind.Relative))).StatusCode);
        var villages = await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/villages?from=2026-11&to=2026-11");
        var village = villages.GetProperty("villages").EnumerateArray().Single();
        Assert.Equal(4, village.GetProperty("stores").GetInt32());
        Assert.Equal(Math.Round(_sold.Values.SelectMany(r => r).Sum(r => r.Lines.Sum(l => l.GrossOre)) / 100m), village.GetProperty("turnoverKr").GetDecimal());
        var cash = await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/cash-share?from=2026-11&to=2026-11");
        var expectedCash = Math.Round((decimal)_sold.Values.SelectMany(r => r).SelectMany(r => r.Payments).Where(p => p.Method == PaymentMethod.Cash).Sum(p => p.AmountOre)
            / _sold.Values.SelectMany(r => r).SelectMany(r => r.Payments).Sum(p => p.AmountOre), 4);
        Assert.Equal(expectedCash, cash.EnumerateArray().Single().GetProperty("cashShare").GetDecimal());
        var index = await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/index/rolling?from=2026-11&to=2026-11");
        var period = index.EnumerateArray().Single();
        Assert.Equal(1m, period.GetProperty("coverage").GetDecimal());
        Assert.True(period.GetProperty("index").GetProperty("total").GetDecimal() > 0);
        Assert.True(period.GetProperty("gap").GetProperty("gapKrPerYear").GetDecimal() > 0);
    }

    [Fact]
    public async Task An_admin_sees_every_store_and_an_unknown_store_is_a_bad_request()
    {
        using var admin = await SignedInAsync("admin");

        var payments = await admin.GetFromJsonAsync<JsonElement>($"/api/stores/butik-c/payments?{Range}");
        var sold = _sold["butik-c"].SelectMany(r => r.Payments).ToList();
        Assert.Equal(Math.Round((decimal)sold.Where(p => p.Method == PaymentMethod.Cash).Sum(p => p.AmountOre) / sold.Sum(p => p.AmountOre), 4),
            payments.GetProperty("cashShare").GetDecimal());
        var baskets = await admin.GetFromJsonAsync<JsonElement>($"/api/stores/butik-c/baskets?{Range}");
        Assert.Equal(200, baskets.GetProperty("receipts").GetInt64());
        Assert.Equal(200, baskets.GetProperty("distribution").EnumerateArray().Sum(b => b.GetProperty("receipts").GetInt64()));
        var hours = await admin.GetFromJsonAsync<JsonElement>($"/api/stores/butik-c/hours?{Range}");
        Assert.Equal(200, hours.EnumerateArray().Sum(c => c.GetProperty("receipts").GetInt64()));
        var categories = await admin.GetFromJsonAsync<JsonElement>($"/api/stores/butik-c/categories?{Range}");
        Assert.Equal(["dagligvaror", "tobak"], categories.EnumerateArray().Select(c => c.GetProperty("category").GetString()).Order(StringComparer.Ordinal));
        var freshness = await admin.GetFromJsonAsync<JsonElement>("/api/stores/butik-c/freshness");
        Assert.Equal("2026-11-19", freshness.GetProperty("lastSale").GetString());
        Assert.InRange(freshness.GetProperty("minutesSinceUpload").GetDouble(), 0, 10);

        var unknown = await admin.GetAsync(new Uri($"/api/stores/finns-inte/trend?{Range}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("finns-inte", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/stores/butik-a/trend?from=2026-11-19&to=2026-11-10", "is after")]
    [InlineData("/api/stores/butik-a/trend?from=2020-01-01&to=2026-11-10", "too long")]
    [InlineData("/api/stores/butik-a/trend?from=1999-12-31&to=2000-01-05", "before 2000")]
    [InlineData("/api/stores/butik-a/trend?from=igår", "YYYY-MM-DD")]
    [InlineData("/api/stores/butik-a/trend?to=2026-13-01", "YYYY-MM-DD")]
    [InlineData("/api/stores/butik-a/trend?grain=year", "day, week or month")]
    [InlineData("/api/municipality/index/years/1990", "year 1990")]
    [InlineData("/api/municipality/index/years/3000", "year 3000")]
    [InlineData("/api/municipality/index/rolling?from=2026-11&to=2025-01", "is after")]
    [InlineData("/api/municipality/index/rolling?from=2020-01&to=2026-11", "too long")]
    [InlineData("/api/municipality/villages?from=2026-1", "YYYY-MM")]
    public async Task Bad_parameters_get_a_400_with_the_reason(string path, string reason)
    {
        using var admin = await SignedInAsync("admin");

        var response = await admin.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_is_described_by_an_OpenAPI_document_for_admins()
    {
        // A map of every route and field, which no page needs at run time (their types are built in): admins only.
        using var anonymous = new HttpClient { BaseAddress = _hub.HttpUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
        using var municipality = await SignedInAsync("kommunen");
        Assert.Equal(HttpStatusCode.Forbidden, (await municipality.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
        using var admin = await SignedInAsync("admin");
        var document = await admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/stores/{storeId}/trend", paths);
        Assert.Contains("/api/municipality/index/rolling", paths);
        Assert.Contains("/api/municipality/villages", paths);
        Assert.Contains("/api/login", paths);
    }
}
