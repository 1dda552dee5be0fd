using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// What changes after a month is published must not let the municipality difference old against
/// new publications: a late upload, a store leaving the registry, a consent given and revoked. The
/// attacker (<see cref="DisclosureAttacker"/>) gathers everything before and after the change and
/// tries every difference across the two rounds too. Each test has a database of its own (the
/// stores and figures of <see cref="DisclosureTests"/>); a hub restarted on it is the same deployment.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class DisclosureChangeTests(ClickHouseServerFixture clickHouse, ITestOutputHelper output)
{
    private static readonly DateOnly FirstMonth = new(2024, 6, 1);
    private static readonly DateOnly LastMonth = new(2025, 11, 1);
    private static readonly DateOnly DeliveryMonth = new(2025, 11, 1);

    private Task<RunningHub> StartAsync(string database, string registry, params string[] args) =>
        RunningHub.StartAsync(clickHouse.Url, new HubSettings(null, database, null, args) { Registry = registry });

    private IReadOnlyList<Leak> Leaks(DisclosureAttacker attacker, IReadOnlyCollection<string> protectedStores)
    {
        var leaks = attacker.Leaks(protectedStores);
        output.WriteLine($"{attacker.Requests} requests, {attacker.Observations.Count} published numbers, {leaks.Count} leaks");
        foreach (var line in DisclosureAttacker.Summary(leaks))
        {
            output.WriteLine(line);
        }

        return leaks;
    }

    [Fact]
    public async Task A_late_upload_for_a_published_month_gives_nothing_away()
    {
        var database = ClickHouseServerFixture.NewDatabaseName();
        var sold = new KnownFigures();
        await using var hub = await StartAsync(database, DisclosureTests.Data.Registry());
        await DisclosureTests.Data.SeedAsync(hub, sold);
        using var municipality = await DisclosureTests.Data.SignedInAsync(hub, "kommunen");
        var attacker = new DisclosureAttacker(municipality, sold);
        await attacker.GatherAsync(FirstMonth, LastMonth, [DeliveryMonth]);

        // norsjo-b's till was offline at the turn of the month: a September sale, a November
        // delivery and a day's withdrawals and parcels arrive after the months were published.
        using var channel = hub.Channel();
        var late = new UploadBatchRequest { BatchId = "norsjo-b-late", StoreId = "norsjo-b" };
        late.Receipts.Add(DisclosureTests.Data.Receipt("norsjo-b-late-1", new DateOnly(2025, 9, 17), "dagligvaror", 600, 432_150, cash: true));
        late.HomeDeliveries.Add(new HomeDelivery
        {
            DeliveryKey = "norsjo-b-late-delivery",
            Date = new LocalDate { Year = 2025, Month = 11, Day = 28 },
            HouseholdKey = "hh-late",
            HouseholdRegistered = true,
            Locality = "Kusfors",
            DistanceM = 7_000,
            OrderValueOre = 61_700,
        });
        var quiet = new DateOnly(2025, 10, 14);
        late.ServiceVolumes.Add(DisclosureTests.Data.Volume(quiet, ServiceKind.Kontantuttag, 9, 9 * 500_00));
        late.ServiceVolumes.Add(DisclosureTests.Data.Volume(quiet, ServiceKind.PaketUtlamnat, 5));
        await new Ingest.IngestClient(channel).UploadBatchAsync(late, RunningHub.Credential(await hub.EnrollAsync("norsjo-b")));
        sold.Sale("norsjo-b", new DateOnly(2025, 9, 17), 4321.50m, 0);
        sold.Add("norsjo-b", "payments", new DateOnly(2025, 9, 17), 4321.50m);
        sold.Add("norsjo-b", "cash", new DateOnly(2025, 9, 17), 4321.50m);
        sold.Delivery("norsjo-b", new DateOnly(2025, 11, 28), "Kusfors", 617m);
        sold.Service("norsjo-b", quiet, "kontantuttag", 9, 9 * 500m);
        sold.Service("norsjo-b", quiet, "paket_utlamnat", 5);
        await attacker.GatherAsync(FirstMonth, LastMonth, [DeliveryMonth]);

        Assert.Empty(Leaks(attacker, DisclosureTests.Data.Reporting));
    }

    [Fact]
    public async Task A_store_leaving_the_registry_does_not_regroup_the_months_already_published()
    {
        var database = ClickHouseServerFixture.NewDatabaseName();
        var sold = new KnownFigures();
        DisclosureAttacker attacker;
        HttpClient municipality;
        await using (var before = await StartAsync(database, DisclosureTests.Data.Registry()))
        {
            await DisclosureTests.Data.SeedAsync(before, sold);
            municipality = await DisclosureTests.Data.SignedInAsync(before, "kommunen");
            attacker = new DisclosureAttacker(municipality, sold);
            await attacker.GatherAsync(FirstMonth, LastMonth, [DeliveryMonth]);
            municipality.Dispose();
        }

        // norsjo-c closes and leaves the registry; its sales stay in ClickHouse.
        await using var after = await StartAsync(database, DisclosureTests.Data.Registry("norsjo-c"));
        using (municipality = await DisclosureTests.Data.SignedInAsync(after, "kommunen"))
        {
            attacker = attacker.With(municipality);
            await attacker.GatherAsync(FirstMonth, LastMonth, [DeliveryMonth]);
        }

        Assert.Empty(Leaks(attacker, DisclosureTests.Data.Reporting));
    }

    [Fact]
    public async Task A_consent_shows_the_store_from_the_next_published_month_and_revoking_hides_it_at_once()
    {
        var database = ClickHouseServerFixture.NewDatabaseName();
        var sold = new KnownFigures();
        const string October = "/api/municipality/villages?from=2025-10&to=2025-10";
        const string November = "/api/municipality/villages?from=2025-11&to=2025-11";
        static IEnumerable<JsonElement> Rows(JsonElement report, string kind) =>
            report.GetProperty("villages").EnumerateArray().Where(v => v.GetProperty("kind").GetString() == kind);

        // Today is 2026-12-01 or later; 370 settle days: October 2025 is the last published month.
        await using (var first = await StartAsync(database, DisclosureTests.Data.Registry(), "--Disclosure:SettleDays=370"))
        {
            await DisclosureTests.Data.SeedAsync(first, sold);
            using var municipality = await DisclosureTests.Data.SignedInAsync(first, "kommunen");
            Assert.Single(Rows(await municipality.GetFromJsonAsync<JsonElement>(October), "group"));
            using var ownerA = await DisclosureTests.Data.SignedInAsync(first, "agare-a");
            var given = await (await ownerA.PostAsJsonAsync("/api/stores/norsjo-a/consent", new { given = true })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(given.GetProperty("effective").GetBoolean());
            Assert.Equal("agare-a", given.GetProperty("by").GetString());

            // October was published before the consent: it stays as it was (else old minus new gives the rest of the group).
            var october = await municipality.GetFromJsonAsync<JsonElement>(October);
            Assert.Empty(Rows(october, "shared"));
            Assert.Equal(4, Rows(october, "group").Single().GetProperty("stores").GetInt32());
        }

        // A month later November is published, with norsjo-a on its own.
        await using var second = await StartAsync(database, DisclosureTests.Data.Registry(), "--Disclosure:SettleDays=5");
        using var kommunen = await DisclosureTests.Data.SignedInAsync(second, "kommunen");
        var shared = Rows(await kommunen.GetFromJsonAsync<JsonElement>(November), "shared").Single();
        Assert.Equal(("norsjo-a", "Norsjö"), (shared.GetProperty("storeId").GetString(), shared.GetProperty("village").GetString()));
        Assert.Equal(Math.Round(sold.Sum("norsjo-a", "turnover:total", new DateOnly(2025, 11, 1), new DateOnly(2025, 11, 30))), shared.GetProperty("turnoverKr").GetDecimal());
        Assert.Contains("Samtycke gett av agare-a", shared.GetProperty("note").GetString(), StringComparison.Ordinal);
        var consents = await kommunen.GetFromJsonAsync<JsonElement>("/api/municipality/consents");
        Assert.True(consents.EnumerateArray().Single(c => c.GetProperty("storeId").GetString() == "norsjo-a").GetProperty("effective").GetBoolean());
        var attacker = new DisclosureAttacker(kommunen, sold);
        await attacker.GatherAsync(FirstMonth, LastMonth, [DeliveryMonth]);

        // A second consent would leave two stores in the group: it waits, and says so.
        using var ownerB = await DisclosureTests.Data.SignedInAsync(second, "agare-b");
        var waiting = await (await ownerB.PostAsJsonAsync("/api/stores/norsjo-b/consent", new { given = true })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(waiting.GetProperty("effective").GetBoolean());
        Assert.Contains("gäller först när minst 3 andra butiker", waiting.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.False((await (await ownerB.PostAsJsonAsync("/api/stores/norsjo-b/consent", new { given = false })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("given").GetBoolean());

        using var owner = await DisclosureTests.Data.SignedInAsync(second, "agare-a");
        var revoked = await (await owner.PostAsJsonAsync("/api/stores/norsjo-a/consent", new { given = false })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(revoked.GetProperty("effective").GetBoolean());
        Assert.Equal([false, true], revoked.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("given").GetBoolean()));
        var after = await kommunen.GetFromJsonAsync<JsonElement>(November);
        Assert.Empty(Rows(after, "shared"));
        Assert.Equal(3, Rows(after, "group").Single().GetProperty("stores").GetInt32()); // as published: without norsjo-a
        await attacker.GatherAsync(FirstMonth, LastMonth, [DeliveryMonth]);

        Assert.Empty(Leaks(attacker, ["norsjo-b", "norsjo-c", "bastu-d"]));
    }

    [Fact]
    public async Task Consents_are_kept_in_the_operational_store_and_an_older_hub_s_are_copied_once()
    {
        // An older hub kept the consent log in ClickHouse.
        using var old = await clickHouse.MigratedDatabaseAsync();
        var at = new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await old.InsertAsync("store_consents", ["store_id", "at_ms", "given", "given_by", "version"],
            new TabSeparatedRows().Row("norsjo-a", at, 1, "agare-a", at).Row("norsjo-a", at + 60_000, 0, "agare-a", at + 60_000).Row("norsjo-b", at, 1, "agare-b", at));

        var hub = await StartAsync(old.Name, DisclosureTests.Data.Registry());
        await DisclosureTests.Data.SeedAsync(hub, new KnownFigures());
        using var ownerA = await DisclosureTests.Data.SignedInAsync(hub, "agare-a");
        var a = await ownerA.GetFromJsonAsync<JsonElement>("/api/stores/norsjo-a/consent");
        Assert.False(a.GetProperty("given").GetBoolean());
        Assert.Equal([false, true], a.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("given").GetBoolean()));

        // A new consent goes to the operational store only, with the copied ones.
        Assert.Equal(HttpStatusCode.OK, (await ownerA.PostAsJsonAsync("/api/stores/norsjo-a/consent", new { given = true })).StatusCode);
        Assert.Equal(4L, await CountAsync(hub, "SELECT count(*) FROM store_consents"));
        Assert.Equal(3L, (await old.QueryAsync<CountRow>("SELECT count() AS N FROM store_consents")).Single().N);
        await hub.DisposeAsync();

        // A restart copies nothing again.
        await using var again = await StartAsync(old.Name, DisclosureTests.Data.Registry());
        Assert.Equal(4L, await CountAsync(again, "SELECT count(*) FROM store_consents"));
    }

    private sealed record CountRow(long N);

    private static async Task<long> CountAsync(RunningHub hub, string sql)
    {
        await using DbConnection connection = await hub.Services.GetRequiredService<OperationalStore>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
