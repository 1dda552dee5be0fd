namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>
/// A cheap fingerprint of a month's inputs other than its turnover — cash and all payments, receipts
/// per hour, home deliveries per locality, service volumes per kind — per store, month and part: what
/// tells the region's kept parts (Api/RegionalParts.cs) that a month held back may have become
/// showable through those parts alone (<see cref="PublishedMonth.ShowsAnything"/> judges every cell,
/// not only the turnover's). Made over the very statements a month's publication reads
/// (<see cref="PublishedMonths.LiveSql"/>), so whatever would change what publishing reads changes
/// its print: each row's columns are hashed (cityHash64) and the hashes summed per store and month,
/// with the number of rows beside them. Read only for the stores of municipalities with a settled
/// month not published, so the region's call pays for it only where such months are.
/// </summary>
public static class MonthPrints
{
    /// <summary>One store's month of one part: its rows' count and the sum of their hashes, as text.</summary>
    public sealed record Row(string StoreId, string Month, string Part, string Print);

    /// <summary>The prints of <paramref name="stores"/> from <paramref name="fromMonth"/> to <paramref name="toMonth"/>, ordered by store, month and part.</summary>
    public static string Sql(DateOnly fromMonth, DateOnly toMonth, IReadOnlyCollection<string> stores)
    {
        var live = PublishedMonths.LiveSql(fromMonth, toMonth, stores);

        // The columns of each statement LiveSql gives (after its turnover): their aliases there.
        (string Part, string Statement, string Columns)[] parts =
        [
            ("cash", live[1], "CashOre, TotalOre"),
            ("hours", live[2], "Hour, Receipts"),
            ("deliveries", live[3], "Locality, Deliveries, Households, OrderOre, DistanceM"),
            ("services", live[4], "Kind, Transactions, AmountOre"),
        ];
        var union = string.Join("\nUNION ALL\n", parts.Select(p => $"""
            SELECT StoreId, Month, '{p.Part}' AS Part, concat(toString(count()), ':', toString(sum(cityHash64({p.Columns})))) AS Print
            FROM ({p.Statement}) GROUP BY StoreId, Month
            """));
        return $"SELECT StoreId, Month, Part, Print FROM ({union}) ORDER BY StoreId, Month, Part";
    }
}
