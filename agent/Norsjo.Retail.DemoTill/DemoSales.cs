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
        ("dagligvaror", 6, 900, 8900),
        ("dagligvaror", 6, 1500, 4500),
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
    public static IReadOnlyList<DemoReceipt> Day(DateOnly date, int receipts, int firstNumber, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var times = Enumerable.Range(0, receipts)
            .Select(_ => date.ToDateTime(new TimeOnly(8, 0)).AddMinutes(ShopMinute(random)).AddSeconds(random.Next(60)))
            .Order()
            .ToList();
        var result = new List<DemoReceipt>(receipts);
        for (var i = 0; i < receipts; i++)
        {
            var items = Enumerable.Range(0, 1 + random.Next(4)).Select(_ =>
            {
                var (category, vat, min, max) = Goods[random.Next(Goods.Length)];
                var quantity = category == "dagligvaror" && random.Next(8) == 0 ? Math.Round((decimal)(0.2 + random.NextDouble()), 3) : random.Next(4) == 0 ? 2 : 1;
                var unit = random.Next(min, max);
                return new DemoItem(category, vat, (long)Math.Round(unit * quantity), quantity, false);
            }).ToList();
            if (random.Next(40) == 0)
            {
                var (category, vat, min, max) = Goods[random.Next(Goods.Length)];
                items.Add(new DemoItem(category, vat, random.Next(min, max), 1, true));
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

    /// <summary>Minutes after 08:00, open until 20:00, with a lunch and an after-work peak.</summary>
    private static int ShopMinute(Random random)
    {
        var peak = random.Next(3) switch { 0 => 4 * 60 + 15, 1 => 9 * 60, _ => random.Next(12 * 60) };
        var minute = peak + (int)((random.NextDouble() - 0.5) * 120);
        return Math.Clamp(minute, 0, (12 * 60) - 1);
    }
}
