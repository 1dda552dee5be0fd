using System.Globalization;

namespace Norsjo.Retail.DemoTill;

/// <summary>
/// Generates a village shop's day of receipts: more at lunch and after work, baskets of a few items,
/// mostly card and Swish with some cash, now and then a return. Deterministic for a given seed.
/// </summary>
public static class DemoSales
{
    private static readonly (string Category, int Vat, int MinOre, int MaxOre)[] Goods =
    [
        // A village shop sells mostly food: five of the eleven kinds of line are dagligvaror.
        ("dagligvaror", 6, 900, 8900),
        ("dagligvaror", 6, 1500, 4500),
        ("dagligvaror", 6, 600, 2500),
        ("dagligvaror", 6, 1200, 6900),
        ("dagligvaror", 6, 2500, 12900),
        ("tobak", 25, 6500, 9500),
        ("tidningar", 6, 2900, 6900),
        ("blommor", 6, 4900, 19900),
        ("receptfria_lakemedel", 25, 3900, 12900),
        ("jarnhandel", 25, 2900, 24900),
        ("ombud", 25, 1000, 5000),
    ];

    private static readonly string[] Cashiers = ["Anna Lindqvist", "Erik Öberg", "Maja Nilsson", "Jonas Åström"];
    private static readonly string[] Methods = ["card", "card", "card", "swish", "swish", "cash"];
    private static readonly (string Locality, decimal Km)[] Localities = [("Kusfors", 12.5m), ("Bjurträsk", 9m), ("Petiknäs", 6.5m), ("Norsjö", 1.2m), ("Bastuträsk", 0.8m)];

    /// <param name="firstNumber">The till's running receipt number for the day's first receipt.</param>
    /// <param name="shop">Opening hours; by default 8–20.</param>
    public static IReadOnlyList<DemoReceipt> Day(DateOnly date, int receipts, int firstNumber, Random random, DemoShop? shop = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (open, close) = shop is null ? (8, 20) : (shop.OpenHour, shop.CloseHour);
        var foodPrice = (100 + DemoSeasons.FoodVat(date)) / 112m; // shelf prices follow the food VAT step
        var times = Enumerable.Range(0, receipts)
            .Select(_ => date.ToDateTime(new TimeOnly(open, 0)).AddMinutes(ShopMinute(random, open, close)).AddSeconds(random.Next(60)))
            .Order()
            .ToList();
        var result = new List<DemoReceipt>(receipts);
        for (var i = 0; i < receipts; i++)
        {
            var items = Enumerable.Range(0, 1 + random.Next(4)).Select(_ =>
            {
                var (category, vat, min, max) = Goods[random.Next(Goods.Length)];
                var quantity = category == "dagligvaror" && random.Next(8) == 0 ? Math.Round((decimal)(0.2 + random.NextDouble()), 3) : random.Next(4) == 0 ? 2 : 1;
                var food = category == "dagligvaror";
                var unit = random.Next(min, max) * (food ? foodPrice : 1m);
                return new DemoItem(category, food ? DemoSeasons.FoodVat(date) : vat, (long)Math.Round(unit * quantity), quantity, false);
            }).ToList();
            if (random.Next(40) == 0)
            {
                var (category, vat, min, max) = Goods[random.Next(Goods.Length)];
                items.Add(new DemoItem(category, category == "dagligvaror" ? DemoSeasons.FoodVat(date) : vat, random.Next(min, max), 1, true));
            }

            var total = items.Sum(it => it.Returned ? -it.AmountOre : it.AmountOre);
            var method = Methods[random.Next(Methods.Length)];
            var channel = random.Next(30) == 0 ? "home_delivery" : "in_store";
            var (locality, km) = Localities[random.Next(Localities.Length)];
            var delivery = channel == "home_delivery"
                ? new DemoDelivery($"kund {random.Next(1, 40)}, {locality}", locality, km)
                : null;
            result.Add(new DemoReceipt(
                (firstNumber + i).ToString(CultureInfo.InvariantCulture),
                times[i],
                channel,
                Cashiers[random.Next(Cashiers.Length)],
                random.Next(3) == 0 ? "LOJ-" + random.Next(100000, 999999).ToString(CultureInfo.InvariantCulture) : null,
                items,
                [new DemoPayment(method, total, method == "card" ? "************" + random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture) : null)],
                delivery));
        }

        return result;
    }

    /// <summary>Minutes after opening, with a lunch (12:15) and an after-work (17:00) peak where the shop is open then.</summary>
    private static int ShopMinute(Random random, int openHour, int closeHour)
    {
        var length = (closeHour - openHour) * 60;
        var peak = random.Next(3) switch { 0 => (12 * 60) + 15 - (openHour * 60), 1 => (17 * 60) - (openHour * 60), _ => random.Next(length) };
        var minute = peak + (int)((random.NextDouble() - 0.5) * 120);
        return Math.Clamp(minute, 0, length - 1);
    }
}
