using System.Globalization;

namespace Norsjo.Retail.DemoTill;

/// <summary>
/// Generates a village shop's day of receipts: inside its opening hours, more at lunch and after
/// work where it is open then, baskets of a few items that are mostly food, mostly card and Swish
/// with some cash, now and then a return, and home deliveries to the shop's own villages.
/// Deterministic for a given seed.
/// </summary>
public static class DemoSales
{
    /// <summary>
    /// Kinds of line with how often each is rung up (per thousand lines). Food is some 87 % of the
    /// lines and, as its items are cheaper, some 78 % of the sales: what a village shop sells
    /// (DemoSalesTests checks the range 70–85 %).
    /// </summary>
    private static readonly (string Category, int Vat, int MinOre, int MaxOre, int PerThousand)[] Goods =
    [
        ("dagligvaror", 6, 900, 8900, 180),   // fruit, vegetables, dry goods
        ("dagligvaror", 6, 1500, 4500, 180),  // milk, bread
        ("dagligvaror", 6, 600, 2500, 170),   // sweets, soft drinks
        ("dagligvaror", 6, 1200, 6900, 170),  // cheese, coffee
        ("dagligvaror", 6, 2500, 12900, 166), // meat, fish
        ("tobak", 25, 6500, 9500, 38),
        ("tidningar", 6, 2900, 6900, 18),
        ("blommor", 6, 4900, 19900, 7),
        ("receptfria_lakemedel", 25, 3900, 12900, 10),
        ("jarnhandel", 25, 2900, 24900, 18),
        ("ombud", 25, 1000, 5000, 43),
    ];

    private static readonly int GoodsWeight = Goods.Sum(g => g.PerThousand);
    private static readonly string[] Cashiers = ["Anna Lindqvist", "Erik Öberg", "Maja Nilsson", "Jonas Åström"];
    private static readonly string[] Methods = ["card", "card", "card", "swish", "swish", "cash"];

    /// <param name="firstNumber">The till's running receipt number for the day's first receipt.</param>
    /// <param name="shop">Opening hours and villages; by default a shop open 8–20 every day. None on a day it is closed.</param>
    public static IReadOnlyList<DemoReceipt> Day(DateOnly date, int receipts, int firstNumber, Random random, DemoShop? shop = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        shop ??= DemoShop.Find(null, receipts);
        var open = shop.OpenMinutes(date.DayOfWeek);
        if (open.Count == 0)
        {
            return [];
        }

        var times = Enumerable.Range(0, receipts)
            .Select(_ => date.ToDateTime(TimeOnly.MinValue).AddMinutes(ShopMinute(random, open)).AddSeconds(random.Next(60)))
            .Order()
            .ToList();
        return Receipts(date, times, firstNumber, random, shop);
    }

    /// <summary>Receipts at the given local times (already inside the shop's hours), numbered from <paramref name="firstNumber"/>.</summary>
    public static IReadOnlyList<DemoReceipt> Receipts(DateOnly date, IReadOnlyList<DateTime> times, int firstNumber, Random random, DemoShop shop)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(shop);
        var foodPrice = (100 + DemoSeasons.FoodVat(date)) / 112m; // shelf prices follow the food VAT step
        var result = new List<DemoReceipt>(times.Count);
        for (var i = 0; i < times.Count; i++)
        {
            var items = Enumerable.Range(0, 1 + random.Next(4)).Select(_ =>
            {
                var (category, vat, min, max) = Pick(random);
                var quantity = category == "dagligvaror" && random.Next(8) == 0 ? Math.Round((decimal)(0.2 + random.NextDouble()), 3) : random.Next(4) == 0 ? 2 : 1;
                var food = category == "dagligvaror";
                var unit = random.Next(min, max) * (food ? foodPrice : 1m);
                return new DemoItem(category, food ? DemoSeasons.FoodVat(date) : vat, (long)Math.Round(unit * quantity), quantity, false);
            }).ToList();

            // A home delivery is an order packed and driven out: nothing is handed back on it, so its
            // order value is never negative (the hub refuses one that is).
            var delivery = random.NextDouble() < shop.DeliveryShare ? Delivery(random, shop) : null;
            if (delivery is null && random.Next(40) == 0)
            {
                var (category, vat, min, max) = Pick(random);
                items.Add(new DemoItem(category, category == "dagligvaror" ? DemoSeasons.FoodVat(date) : vat, random.Next(min, max), 1, true));
            }

            var total = items.Sum(it => it.Returned ? -it.AmountOre : it.AmountOre);
            var method = Methods[random.Next(Methods.Length)];
            result.Add(new DemoReceipt(
                (firstNumber + i).ToString(CultureInfo.InvariantCulture),
                times[i],
                delivery is null ? "in_store" : "home_delivery",
                Cashiers[random.Next(Cashiers.Length)],
                random.Next(3) == 0 ? "LOJ-" + random.Next(100000, 999999).ToString(CultureInfo.InvariantCulture) : null,
                items,
                [new DemoPayment(method, total, method == "card" ? "************" + random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture) : null)],
                delivery));
        }

        return result;
    }

    private static (string Category, int Vat, int MinOre, int MaxOre) Pick(Random random)
    {
        var n = random.Next(GoodsWeight);
        foreach (var (category, vat, min, max, weight) in Goods)
        {
            if (n < weight)
            {
                return (category, vat, min, max);
            }

            n -= weight;
        }

        throw new InvalidOperationException("unreachable: the weights add up to GoodsWeight");
    }

    /// <summary>
    /// A household of one of the shop's villages, always at the same distance: in the shop's own
    /// village 0.4–3.2 km (the nearest are too near for the subsidy), elsewhere the road distance
    /// plus up to 2 km to the house.
    /// </summary>
    private static DemoDelivery Delivery(Random random, DemoShop shop)
    {
        var n = random.Next(shop.Customers.Sum(v => v.Households));
        var first = 1;
        foreach (var village in shop.Customers)
        {
            if (n < village.Households)
            {
                var household = first + n;
                var km = village.RoadKm == 0 ? 0.4m + (0.4m * (household % 8)) : village.RoadKm + (0.5m * (household % 5));
                return new DemoDelivery($"kund {household}, {village.Name}", village.Name, km);
            }

            n -= village.Households;
            first += village.Households;
        }

        throw new InvalidOperationException("unreachable: the households add up");
    }

    /// <summary>
    /// Minutes after midnight inside the opening intervals: a lunch (12:15) and an after-work (17:00)
    /// peak where the shop is open then, else any open minute alike.
    /// </summary>
    private static int ShopMinute(Random random, IReadOnlyList<(int Open, int Close)> open)
    {
        var peak = random.Next(3) switch { 0 => (12 * 60) + 15, 1 => 17 * 60, _ => -1 };
        if (peak >= 0)
        {
            var minute = peak + (int)((random.NextDouble() - 0.5) * 120);
            if (open.Any(i => minute >= i.Open && minute < i.Close))
            {
                return minute;
            }
        }

        var k = random.Next(open.Sum(i => i.Close - i.Open));
        foreach (var (from, to) in open)
        {
            if (k < to - from)
            {
                return from + k;
            }

            k -= to - from;
        }

        throw new InvalidOperationException("unreachable: k is below the open minutes");
    }
}
