using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The municipality's API attacked by a script (<see cref="DisclosureAttacker"/>) over stores whose
/// every sale and delivery is known, sent through the real hub into real ClickHouse. The data is
/// shaped after the leaks found by hand: one store reporting a year before the others, a village
/// of one reporting store and two estimated ones, a day on which one store alone delivered.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class DisclosureTests(DisclosureTests.Data data, ITestOutputHelper output) : IClassFixture<DisclosureTests.Data>
{
    private static readonly DateOnly FirstMonth = new(2024, 6, 1);
    private static readonly DateOnly LastMonth = new(2025, 11, 1);
    private static readonly DateOnly DeliveryMonth = new(2025, 11, 1);

    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public const string Password = "ett-langt-losenord";

        /// <summary>Norsjö: a, b, c; Bastuträsk: d, reporting, and e and f without agents.</summary>
        public static readonly string[] Reporting = ["norsjo-a", "norsjo-b", "norsjo-c", "bastu-d"];

        public RunningHub Hub { get; private set; } = null!;

        public KnownFigures Sold { get; } = new();

        /// <summary>The registry; <paramref name="leftOut"/>: stores that have left it (closed).</summary>
        public static string Registry(params string[] leftOut)
        {
            var yaml = new System.Text.StringBuilder("municipality: Norsjö\nstores:\n");
            foreach (var id in Reporting.Except(leftOut))
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  - id: {id}\n    name: Butik {id}\n    village: {(id.StartsWith("norsjo", StringComparison.Ordinal) ? "Norsjö" : "Bastuträsk")}\n    opened: 2020-01-01\n    hours:\n      mon-sun: \"08:00-20:00\"\n");
            }

            foreach (var id in new[] { "bastu-e", "bastu-f" })
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  - id: {id}\n    name: Butik {id}\n    village: Bastuträsk\n    opened: 2020-01-01\n    reports: false\n    baseline: {{ year: 2025, dagligvaror_kr: 900000, sallankopsvaror_kr: 100000 }}\n    hours:\n      mon-sun: \"08:00-20:00\"\n");
            }

            return yaml.Append("years:\n  - year: 2017\n    population: 4100\n    national_turnover_per_resident_kr:\n      dagligvaror: 34202\n      sallankopsvaror: 31233\n").ToString();
        }

        public async Task InitializeAsync()
        {
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { Registry = Registry() });
            await SeedAsync(Hub, Sold);
        }

        /// <summary>The users, and every store's sales and deliveries sent through the hub's ingest (and noted in <paramref name="sold"/>).</summary>
        public static async Task SeedAsync(RunningHub hub, KnownFigures sold)
        {
            ArgumentNullException.ThrowIfNull(hub);
            ArgumentNullException.ThrowIfNull(sold);
            var users = hub.Services.GetRequiredService<UserStore>();
            await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
            await users.SaveAsync("agare-a", Password, UserRole.StoreOwner, ["norsjo-a"]);
            await users.SaveAsync("agare-b", Password, UserRole.StoreOwner, ["norsjo-b"]);
            using var channel = hub.Channel();
            var client = new Contracts.V1.Ingest.IngestClient(channel);
            var random = new Random(13);
            var services = new Random(29); // a sequence of its own: the sales stay those the leaks were first found with
            foreach (var store in Reporting)
            {
                var headers = RunningHub.Credential(await hub.EnrollAsync(store));
                var first = store == "norsjo-a" ? FirstMonth : new DateOnly(2025, 6, 1);
                var receipts = new List<Receipt>();
                var deliveries = new List<HomeDelivery>();
                var volumes = new List<ServiceVolume>();
                for (var day = first; day < LastMonth.AddMonths(1); day = day.AddDays(1))
                {
                    if (store == "bastu-d" && day.DayOfWeek == DayOfWeek.Sunday)
                    {
                        continue;
                    }

                    var food = random.Next(300_000, 900_000);
                    var other = random.Next(50_000, 200_000);
                    var cash = random.Next(3) == 0;
                    receipts.Add(Receipt($"{store}-{day:yyyyMMdd}-d", day, "dagligvaror", 600, food, cash));
                    receipts.Add(Receipt($"{store}-{day:yyyyMMdd}-s", day, "kläder", 2500, other, !cash));
                    sold.Sale(store, day, food / 100m, other / 100m);
                    sold.Add(store, "payments", day, (food + other) / 100m);
                    sold.Add(store, "cash", day, (cash ? food : other) / 100m);
                    volumes.AddRange(ServiceDay(sold, store, day, services));

                    // November: a, b and c deliver to Kusfors, on the 30th only a; d alone to Petiknäs.
                    if (day >= DeliveryMonth && (store != "bastu-d" || day.Day % 3 == 0) && (day.Day < 30 || store == "norsjo-a"))
                    {
                        var locality = store == "bastu-d" ? "Petiknäs" : "Kusfors";
                        var order = random.Next(20_000, 90_000);
                        deliveries.Add(new HomeDelivery
                        {
                            DeliveryKey = $"{store}-{day:yyyyMMdd}",
                            Date = new LocalDate { Year = day.Year, Month = day.Month, Day = day.Day },
                            HouseholdKey = $"hh-{random.Next(8)}",
                            HouseholdRegistered = true,
                            Locality = locality,
                            DistanceM = 5_000 + random.Next(5_000),
                            OrderValueOre = order,
                        });
                        sold.Delivery(store, day, locality, order / 100m);
                    }
                }

                foreach (var (chunk, n) in receipts.Chunk(400).Select((c, n) => (c, n)))
                {
                    var batch = new UploadBatchRequest { BatchId = $"{store}-{n}", StoreId = store };
                    batch.Receipts.AddRange(chunk);
                    await client.UploadBatchAsync(batch, headers);
                }

                var last = new UploadBatchRequest { BatchId = $"{store}-deliveries", StoreId = store };
                last.HomeDeliveries.AddRange(deliveries);
                last.ServiceVolumes.AddRange(volumes);
                await client.UploadBatchAsync(last, headers);
            }
        }

        /// <summary>A day's service volumes at a till (kontantuttag with kronor, parcels, bills), noted in <paramref name="sold"/>.</summary>
        private static IEnumerable<ServiceVolume> ServiceDay(KnownFigures sold, string store, DateOnly day, Random random)
        {
            foreach (var kind in new[] { ServiceKind.Kontantuttag, ServiceKind.PaketUtlamnat, ServiceKind.BetalaRakning })
            {
                var count = random.Next(kind == ServiceKind.Kontantuttag ? 7 : 4);
                if (count > 0)
                {
                    var ore = kind == ServiceKind.Kontantuttag ? count * random.Next(2, 20) * 100_00L : 0;
                    sold.Service(store, day, ServiceKindNames.Name(kind)!, count, ore / 100m);
                    yield return Volume(day, kind, count, ore);
                }
            }
        }

        public static ServiceVolume Volume(DateOnly day, ServiceKind kind, int count, long amountOre = 0) =>
            new() { Date = new LocalDate { Year = day.Year, Month = day.Month, Day = day.Day }, Kind = kind, Count = count, AmountOre = amountOre };

        public static Receipt Receipt(string key, DateOnly day, string category, int vatBp, long gross, bool cash) => new()
        {
            ReceiptKey = key,
            Date = new LocalDate { Year = day.Year, Month = day.Month, Day = day.Day },
            MinuteOfDay = 600,
            Channel = Channel.InStore,
            Lines = { new ReceiptLine { Category = category, VatRateBasisPoints = vatBp, GrossOre = gross, VatOre = gross * vatBp / (10_000 + vatBp), QuantityMilli = 1000 } },
            Payments = { new Payment { Method = cash ? PaymentMethod.Cash : PaymentMethod.Card, AmountOre = gross } },
        };

        public Task<HttpClient> SignedInAsync(string user) => SignedInAsync(Hub, user);

        public static async Task<HttpClient> SignedInAsync(RunningHub hub, string user)
        {
            ArgumentNullException.ThrowIfNull(hub);
            var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
            var login = await http.PostAsJsonAsync("/api/login", new { username = user, password = Password });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            return http;
        }

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }

    private async Task<IReadOnlyList<Leak>> AttackAsync(IReadOnlyCollection<string> protectedStores)
    {
        using var municipality = await data.SignedInAsync("kommunen");
        var attacker = new DisclosureAttacker(municipality, data.Sold);
        await attacker.GatherAsync(FirstMonth, LastMonth, [DeliveryMonth]);
        var leaks = attacker.Leaks(protectedStores);
        output.WriteLine($"{attacker.Requests} requests, {attacker.Observations.Count} published numbers, {leaks.Count} leaks");
        foreach (var line in DisclosureAttacker.Summary(leaks))
        {
            output.WriteLine(line);
        }

        return leaks;
    }

    [Fact]
    public async Task No_combination_of_municipal_figures_gives_away_a_store_that_has_not_consented()
    {
        var leaks = await AttackAsync(Data.Reporting);

        Assert.Empty(leaks);
    }

    [Fact]
    public async Task A_figure_held_back_says_why_in_Swedish()
    {
        using var municipality = await data.SignedInAsync("kommunen");

        var alone = (await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/index/rolling?from=2025-05&to=2025-05"))[0];
        Assert.False(alone.GetProperty("shown").GetBoolean());
        Assert.Equal(JsonValueKind.Null, alone.GetProperty("reported").ValueKind);
        Assert.StartsWith("Visas inte: Alla orter 2024-06: färre än 3 butiker bidrar", alone.GetProperty("heldBack").GetString(), StringComparison.Ordinal);
        var together = (await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/index/rolling?from=2026-05&to=2026-05"))[0];
        Assert.True(together.GetProperty("shown").GetBoolean());
        var sold = Data.Reporting.Sum(s => data.Sold.Sum(s, "turnover:total", new DateOnly(2025, 6, 1), new DateOnly(2026, 5, 31)));
        Assert.Equal(Math.Round(sold), together.GetProperty("reported").GetProperty("totalKr").GetDecimal());
        Assert.Equal(HttpStatusCode.BadRequest, (await municipality.GetAsync(new Uri("/api/municipality/deliveries?from=2025-11-01&to=2025-11-29", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await municipality.GetAsync(new Uri("/api/municipality/cash-share?from=2025-11-01&to=2025-11-29", UriKind.Relative))).StatusCode);
    }
}
