namespace Norsjo.Retail.DemoTill;

/// <summary>
/// The service transactions the demo tills record beside their sales (issue 19), so the
/// municipality's kontanthantering section has something to show: a few cash withdrawals a day at
/// the larger shops (100–1,000 kr, in hundreds), parcels handed out everywhere, pharmacy pick-ups
/// where the shop is an apoteksombud, now and then a bill paid. Drawn from the receipt's number
/// alone, so the sales of a seed stay what they were and a receipt always gets the same services.
/// Added by the demo till's program only: the tests' receipts (DemoSales) stay sales alone.
/// </summary>
public static class DemoServices
{
    public static IReadOnlyList<DemoReceipt> Add(IReadOnlyList<DemoReceipt> receipts, DemoShop shop)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        return [.. receipts.Select(r => r with { Services = On(int.TryParse(r.ReceiptNumber, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : r.ReceiptNumber.Length, shop) })];
    }

    public static IReadOnlyList<DemoService>? On(int receiptNumber, DemoShop shop)
    {
        ArgumentNullException.ThrowIfNull(shop);
        var random = new Random(unchecked((receiptNumber * 7919) + shop.ReceiptsPerDay));
        var large = shop.ReceiptsPerDay >= 100;
        var services = new List<DemoService>();
        if (random.NextDouble() < (large ? 0.025 : 0.012))
        {
            services.Add(new DemoService("kontantuttag", random.Next(1, 11) * 100_00));
        }

        if (random.NextDouble() < 0.03)
        {
            services.Add(new DemoService("paket_utlämnat", 0));
        }

        if (large && random.NextDouble() < 0.012)
        {
            services.Add(new DemoService("apoteksombud", 0));
        }

        if (random.NextDouble() < 0.004)
        {
            services.Add(new DemoService("betala_räkning", 0));
        }

        return services.Count == 0 ? null : services;
    }
}
