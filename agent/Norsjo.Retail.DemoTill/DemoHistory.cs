namespace Norsjo.Retail.DemoTill;

/// <summary>
/// A shop's past, day by day, with the year's rhythm (DemoSeasons); closed days are skipped. Then,
/// for a till that keeps selling, the receipts of the last few seconds — only while the shop is open,
/// stamped in Swedish local time as a till's clock is. Deterministic for a seed.
/// </summary>
public sealed class DemoHistory(DemoShop shop, Random random, int firstNumber = 10_000)
{
    /// <summary>The time zone of the tills (and of the dates the hub stores).</summary>
    public static TimeZoneInfo Sweden => Norsjo.Retail.Hub.Time.SwedishTime.Zone;

    /// <summary>The till's next receipt number.</summary>
    public int NextNumber { get; private set; } = firstNumber;

    /// <summary>The Swedish local time of an instant.</summary>
    public static DateTime LocalTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Sweden).DateTime;

    public IEnumerable<(DateOnly Date, IReadOnlyList<DemoReceipt> Receipts)> Days(DateOnly first, DateOnly last)
    {
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            var expected = shop.ReceiptsPerDay * DemoSeasons.Factor(date, shop);
            if (expected <= 0)
            {
                continue;
            }

            var receipts = DemoSales.Day(date, (int)Math.Round(expected * (0.85 + (0.3 * random.NextDouble()))), NextNumber, random, shop);
            NextNumber += receipts.Count;
            yield return (date, receipts);
        }
    }

    /// <summary>
    /// A few receipts made in the <paramref name="withinSeconds"/> before <paramref name="now"/>, at
    /// Swedish local times when the shop is open; none while it is closed (at night, on a closed day).
    /// </summary>
    public IReadOnlyList<DemoReceipt> Now(DateTimeOffset now, int withinSeconds)
    {
        var local = LocalTime(now);
        var date = DateOnly.FromDateTime(local);
        var open = shop.OpenMinutes(date.DayOfWeek);
        var candidates = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => local.AddSeconds(-random.Next(Math.Max(1, withinSeconds)))).ToList();
        if (DemoSeasons.Factor(date, shop) <= 0)
        {
            return [];
        }

        var times = candidates
            .Where(t => DateOnly.FromDateTime(t) == date && open.Any(i => (t.Hour * 60) + t.Minute >= i.Open && (t.Hour * 60) + t.Minute < i.Close))
            .Order()
            .ToList();
        var receipts = DemoSales.Receipts(date, times, NextNumber, random, shop);
        NextNumber += receipts.Count;
        return receipts;
    }
}
