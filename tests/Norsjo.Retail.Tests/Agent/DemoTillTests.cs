using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Tests.Dashboards;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>
/// The demo till against the demo's own registry (hub/Norsjo.Retail.Hub/registry.yaml): what it sells
/// must be what the registry and the villages make possible (issue 15).
/// </summary>
public sealed class DemoTillTests
{
    private static readonly StoreRegistry Registry = RegistryFile.Load(Path.Combine(DemoHubFixture.RepositoryRoot, "hub", "Norsjo.Retail.Hub", "registry.yaml"));
    private static readonly IReadOnlyList<DemoShop> Shops = DemoShop.FromRegistry(Registry);

    private static List<DemoReceipt> AYear(DemoShop shop, int seed) =>
        [.. new DemoHistory(shop, new Random(seed)).Days(new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30)).SelectMany(d => d.Receipts)];

    [Fact]
    public void Every_receipt_of_a_year_is_inside_its_shops_opening_hours_from_the_registry()
    {
        foreach (var shop in Shops)
        {
            var hours = Registry.Find(shop.Id)!.Hours;
            var receipts = AYear(shop, 1);
            Assert.NotEmpty(receipts);
            var outside = receipts.Where(r => !hours.IsOpen(r.LocalTime.DayOfWeek, TimeOnly.FromDateTime(r.LocalTime))).ToList();
            Assert.True(outside.Count == 0, $"{shop.Id}: {outside.Count} receipts outside the registry's hours, e.g. {outside.FirstOrDefault()?.LocalTime:ddd yyyy-MM-dd HH:mm}");
        }

        // The case: Björks lanthandel is open Saturdays 10–14, so nobody shops there at 16.
        var saturdays = AYear(Shops.Single(s => s.Id == "kusfors-handel"), 3).Where(r => r.LocalTime.DayOfWeek == DayOfWeek.Saturday).ToList();
        Assert.NotEmpty(saturdays);
        Assert.InRange(saturdays.Max(r => r.LocalTime.TimeOfDay), TimeSpan.FromHours(10), TimeSpan.FromHours(14));
        Assert.DoesNotContain(AYear(Shops.Single(s => s.Id == "bastutrask-lanthandel"), 4), r => r.LocalTime.DayOfWeek == DayOfWeek.Sunday);
    }

    [Fact]
    public void Live_receipts_are_stamped_in_Swedish_local_time_and_only_while_the_shop_is_open()
    {
        var kusfors = Shops.Single(s => s.Id == "kusfors-handel"); // weekdays 10–18
        var till = new DemoHistory(kusfors, new Random(5));

        // Tuesday 1 December 2026, 09:30 UTC is 10:30 in Kusfors (UTC+1): open.
        var winter = Enumerable.Range(0, 20).SelectMany(_ => till.Now(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), 20)).ToList();
        Assert.NotEmpty(winter);
        Assert.All(winter, r => Assert.InRange(r.LocalTime, new DateTime(2026, 12, 1, 10, 29, 40), new DateTime(2026, 12, 1, 10, 30, 0)));

        // Wednesday 1 July 2026, 15:59 UTC is 17:59 (UTC+2, summer time).
        var summer = Enumerable.Range(0, 20).SelectMany(_ => till.Now(new DateTimeOffset(2026, 7, 1, 15, 59, 50, TimeSpan.Zero), 20)).ToList();
        Assert.NotEmpty(summer);
        Assert.All(summer, r => Assert.Equal(17, r.LocalTime.Hour));

        // 18:40 UTC is 19:40 in Kusfors: closed, so nothing is sold (the old till sold then, stamped 18:40).
        Assert.Empty(Enumerable.Range(0, 20).SelectMany(_ => till.Now(new DateTimeOffset(2026, 12, 1, 18, 40, 0, TimeSpan.Zero), 20)));
        // Sunday: closed all day.
        Assert.Empty(Enumerable.Range(0, 20).SelectMany(_ => till.Now(new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero), 20)));
    }

    [Fact]
    public void Food_is_70_to_85_percent_of_a_village_shops_sales()
    {
        foreach (var shop in Shops)
        {
            var items = AYear(shop, 7).SelectMany(r => r.Items).Where(i => !i.Returned).ToList();
            var food = items.Where(i => Registry.Categories.IsFood(i.Category, i.VatPercent * 100)).Sum(i => i.AmountOre);
            var share = (double)food / items.Sum(i => i.AmountOre);
            Assert.True(share is >= 0.70 and <= 0.85, $"{shop.Id}: food is {share:P1} of sales");
        }
    }

    [Fact]
    public void Each_shop_delivers_to_its_own_villages_at_their_distances_and_never_a_negative_order()
    {
        foreach (var shop in Shops)
        {
            var deliveries = AYear(shop, 11).Where(r => r.Delivery is not null).ToList();
            Assert.True(deliveries.Count > 100, $"{shop.Id}: {deliveries.Count} home deliveries in a year");
            var village = Registry.Find(shop.Id)!.Village;
            foreach (var r in deliveries)
            {
                var d = r.Delivery!;
                var customers = shop.Customers.Single(c => c.Name == d.Locality);
                Assert.InRange(d.DistanceKm, customers.RoadKm == 0 ? 0.4m : customers.RoadKm, customers.RoadKm == 0 ? 3.2m : customers.RoadKm + 2m);
                // An order delivered is never a return: the hub refuses a negative order value.
                Assert.True(r.GrossOre >= 0, $"{shop.Id}: a delivery of {r.GrossOre} öre");
                Assert.DoesNotContain(r.Items, i => i.Returned);
            }

            // Its own village is near; the other service villages have shops of their own and are not delivered to.
            Assert.Contains(deliveries, r => r.Delivery!.Locality == village && r.Delivery.DistanceKm < 3.5m);
            var otherVillages = Registry.Stores.Select(s => s.Village).Where(v => v != village).ToHashSet();
            Assert.DoesNotContain(deliveries, r => otherVillages.Contains(r.Delivery!.Locality));
            // A household lives where it lives: one distance each.
            Assert.All(deliveries.GroupBy(r => r.Delivery!.Household), g => Assert.Single(g.Select(r => r.Delivery!.DistanceKm).Distinct()));
        }
    }
}
