using System.Globalization;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.CashHandling;

/// <summary>One store's service transactions of one kind in one month (from the daily counts its agent sent).</summary>
public sealed record StoreServiceMonth(string StoreId, DateOnly Month, string Kind, long Transactions, long AmountOre);

/// <summary>
/// Reads the service volumes the agents sent (table service_volumes, Schema step 13): the newest copy
/// of each store, day and kind (FINAL), summed per month. Read only as one of a month's published
/// inputs (<see cref="Disclosure.PublishedMonths.LiveSql"/>), so a settled month's counts are frozen
/// with the rest of it; figures for the municipality pass through
/// <see cref="Disclosure.MunicipalFigures.CashHandlingAsync"/>, never straight from here.
/// </summary>
public static class ServiceVolumes
{
    private sealed record Row(string StoreId, string Month, string Kind, long Transactions, long AmountOre);

    /// <summary>Per store, month and kind from the month of <paramref name="fromMonth"/> to that of <paramref name="toMonth"/>.</summary>
    /// <param name="andStores">A further condition on <c>store_id</c> (" AND store_id IN …"), as the other inputs of a month are read.</param>
    public static string Sql(DateOnly fromMonth, DateOnly toMonth, string andStores = "")
    {
        var from = SqlLiteral.Date(new DateOnly(fromMonth.Year, fromMonth.Month, 1));
        var to = SqlLiteral.Date(new DateOnly(toMonth.Year, toMonth.Month, 1).AddMonths(1).AddDays(-1));
        return $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(service_date)) AS Month, toString(kind) AS Kind,
                   sum(transactions) AS Transactions, sum(amount_ore) AS AmountOre
            FROM service_volumes FINAL
            WHERE service_date >= {from} AND service_date <= {to}{andStores}
            GROUP BY store_id, Month, Kind
            ORDER BY store_id, Month, Kind
            """;
    }

    public static async Task<IReadOnlyList<StoreServiceMonth>> ReadAsync(ClickHouseStorage storage, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var rows = await storage.Database.QueryAsync<Row>(sql, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new StoreServiceMonth(r.StoreId, DateOnly.ParseExact(r.Month, "yyyy-MM-dd", CultureInfo.InvariantCulture), r.Kind, r.Transactions, r.AmountOre))];
    }
}
