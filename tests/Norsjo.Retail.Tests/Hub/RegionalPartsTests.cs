using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Tenancy;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The region's call keeps each municipality's part with what it was made from (issue 20: 290
/// municipalities made afresh on every call cost most of its time) and makes it again when any of
/// that changes: a sale in the month not yet published, home deliveries that make a held-back month showable
/// (its turnover the same), a consent, a registry edit. Before and after
/// every change each part is exactly the municipality's own answer. On the hub of
/// <see cref="MunicipalityTenantsTests"/> (Norsjö and Malå), a fixture of its own, since this test changes it.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class RegionalPartsTests(MunicipalityTenantsTests.Data data) : IClassFixture<MunicipalityTenantsTests.Data>
{
    private const string Mala = "mala";
    private static readonly DateOnly Yesterday = new(2025, 12, 19);

    /// <summary>A month the region's range reads that is held back for Malå: mala-a sold alone then.</summary>
    private static readonly DateOnly HeldAugust = new(2024, 8, 1);

    /// <summary>From January to December 2025: the months held back for Malå (one shop alone), the published ones and December, not yet published.</summary>
    private const string Url = "/api/region/municipalities?from=2025-01&to=2025-12";

    [Fact]
    public async Task A_part_is_made_again_only_when_what_it_is_made_from_changes_and_is_always_the_municipalitys_own()
    {
        var parts = data.Hub.Services.GetRequiredService<RegionalParts>();
        using var region = await data.SignedInAsync("regionen");

        // The first calls make every part (and publish what can be published); then nothing changes and nothing is made again.
        await region.GetStringAsync(Url);
        await region.GetStringAsync(Url);
        var made = parts.Made;
        var kept = await region.GetStringAsync(Url);
        Assert.Equal(made, parts.Made);
        await EachIsItsOwnAsync(kept);

        // A sale yesterday in Malå (December, not yet published): Malå's part is made again, Norsjö's is kept.
        using (var channel = data.Hub.Channel())
        {
            var headers = RunningHub.Credential(await data.Hub.EnrollAsync("mala-b"));
            var batch = new UploadBatchRequest { BatchId = "mala-b-late", StoreId = "mala-b" };
            batch.Receipts.Add(DisclosureTests.Data.Receipt("mala-b-late-1", Yesterday, "dagligvaror", 1200, 123_400, cash: false));
            Assert.False((await new Ingest.IngestClient(channel).UploadBatchAsync(batch, headers)).AlreadyStored);
        }

        var afterSale = await region.GetStringAsync(Url);
        Assert.Equal(made + 1, parts.Made);
        await EachIsItsOwnAsync(afterSale);

        // August 2024, held back for Malå (mala-a sold alone), becomes showable through home deliveries alone: all three
        // shops drove orders out to Malå that month, no sale changed. The region's call must publish it, as Malå's own call
        // would, and Malå's part is made again (its turnover is the same, so only the other parts can tell).
        var versions = data.Hub.Services.GetRequiredService<Norsjo.Retail.Hub.Operational.OperationalStore>();
        Assert.Empty((await Norsjo.Retail.Hub.Disclosure.PublishedMonths.VersionsAsync(versions, HeldAugust, HeldAugust, Mala, CancellationToken.None)).Values);
        await DeliverAsync(HeldAugust);
        var afterDeliveries = await region.GetStringAsync(Url);
        Assert.Equal(made + 2, parts.Made);
        Assert.Equal(1, (await Norsjo.Retail.Hub.Disclosure.PublishedMonths.VersionsAsync(versions, HeldAugust, HeldAugust, Mala, CancellationToken.None))[Mala][HeldAugust]);
        await EachIsItsOwnAsync(afterDeliveries);

        // A consent (Malå's owner shares mala-a's figures): the hub's consents changed, so every part is made again.
        using (var owner = await data.SignedInAsync("mala-agare"))
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync("/api/stores/mala-a/consent", new { given = true })).StatusCode);
        }

        var afterConsent = await region.GetStringAsync(Url);
        Assert.Equal(made + 4, parts.Made);
        await EachIsItsOwnAsync(afterConsent);

        // Malå's registry edited (its own target): Malå's part is made again, with the new target.
        var mala = data.Hub.Services.GetRequiredService<Municipalities>().Find(Mala)!;
        Assert.True(await mala.Facts.ImportAsync(MunicipalityTenantsTests.Data.MalaRegistry().Replace("index_target: 55", "index_target: 50", StringComparison.Ordinal), "test") > 0);
        var afterEdit = await region.GetStringAsync(Url);
        Assert.Equal(made + 5, parts.Made);
        Assert.Equal(50m, Part(afterEdit, Mala).GetProperty("target").GetDecimal());
        await EachIsItsOwnAsync(afterEdit);
    }

    /// <summary>Home deliveries from each of Malå's three shops on one day of <paramref name="month"/> (a day with no sale of mala-b or mala-c).</summary>
    private async Task DeliverAsync(DateOnly month)
    {
        using var channel = data.Hub.Channel();
        foreach (var (store, n) in MunicipalityTenantsTests.Data.MalaStores.Select((s, n) => (s, n)))
        {
            var batch = new UploadBatchRequest { BatchId = $"{store}-held-deliveries", StoreId = store };
            batch.HomeDeliveries.Add(new HomeDelivery
            {
                DeliveryKey = $"{store}-held-delivery",
                Date = new LocalDate { Year = month.Year, Month = month.Month, Day = 14 },
                HouseholdKey = $"hh-held-{n}",
                HouseholdRegistered = true,
                Locality = "Malå",
                DistanceM = 6_000 + (n * 500),
                OrderValueOre = 40_000 + (n * 1_000),
            });
            Assert.False((await new Ingest.IngestClient(channel).UploadBatchAsync(batch, RunningHub.Credential(await data.Hub.EnrollAsync(store)))).AlreadyStored);
        }
    }

    private static JsonElement Part(string answer, string id) =>
        JsonDocument.Parse(answer).RootElement.EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);

    /// <summary>Each municipality's part: exactly what its own staff get from the same routes now.</summary>
    private async Task EachIsItsOwnAsync(string answer)
    {
        foreach (var (municipality, user) in new[] { (Municipality.FirstId, "kommunen"), (Mala, "mala-kommun") })
        {
            using var staff = await data.SignedInAsync(user);
            var part = Part(answer, municipality);
            Assert.Equal(await staff.GetStringAsync(new Uri("/api/municipality/index/rolling?from=2025-01&to=2025-12", UriKind.Relative)), part.GetProperty("rolling").GetRawText());
            Assert.Equal(await staff.GetStringAsync(new Uri("/api/municipality/service-watch", UriKind.Relative)), part.GetProperty("serviceWatch").GetRawText());
        }
    }
}
