namespace Norsjo.Retail.DemoTill;

/// <summary>A shop's past, day by day, with the year's rhythm (DemoSeasons); closed days are skipped. Deterministic for a seed.</summary>
public sealed class DemoHistory(DemoShop shop, Random random, int firstNumber = 10_000)
{
    /// <summary>The till's next receipt number.</summary>
    public int NextNumber { get; private set; } = firstNumber;

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

    /// <summary>A few receipts made just now, for a till that keeps selling.</summary>
    public IReadOnlyList<DemoReceipt> Now(DateTime now, int withinSeconds)
    {
        var receipts = DemoSales.Day(DateOnly.FromDateTime(now), 1 + random.Next(5), NextNumber, random, shop)
            .Select(r => r with { LocalTime = now.AddSeconds(-random.Next(withinSeconds)) }).ToList();
        NextNumber += receipts.Count;
        return receipts;
    }
}
