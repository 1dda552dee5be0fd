using System.Globalization;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.CashHandling;

/// <summary>One store's service transactions of one kind in one month (from the daily counts its agent sent).</summary>
public sealed record StoreServiceMonth(string StoreId, DateOnly Month, string Kind, long Transactions, long AmountOre);

/// <summary>
/// Reads the service volumes the agents sent (table service_volumes, Schema step 13): the newest copy
/// of each store, day and kind (FINAL), summed per month. Figures for the municipality pass through
/// <see cref="Disclosure.MunicipalFigures.CashHandlingAsync"/>, never straight from here.
/// </summary>
public sealed class ServiceVolumes(ClickHouseStorage storage)
{
    private sealed record Row(string StoreId, string Month, string Kind, long Transactions, long AmountOre);

    public async Task<IReadOnlyList<StoreServiceMonth>> MonthsAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var from = SqlLiteral.Date(new DateOnly(fromMonth.Year, fromMonth.Month, 1));
        var to = SqlLiteral.Date(new DateOnly(toMonth.Year, toMonth.Month, 1).AddMonths(1).AddDays(-1));
        var rows = await storage.Database.QueryAsync<Row>(
            $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(service_date)) AS Month, toString(kind) AS Kind,
                   sum(transactions) AS Transactions, sum(amount_ore) AS AmountOre
            FROM service_volumes FINAL
            WHERE service_date >= {from} AND service_date <= {to}
            GROUP BY store_id, Month, Kind
            ORDER BY store_id, Month, Kind
            """, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new StoreServiceMonth(r.StoreId, DateOnly.ParseExact(r.Month, "yyyy-MM-dd", CultureInfo.InvariantCulture), r.Kind, r.Transactions, r.AmountOre))];
    }
}

public static class CashHandlingExtensions
{
    /// <summary>The service volumes' reader, for the municipality's kontanthantering section (issue 19).</summary>
    public static WebApplicationBuilder AddCashHandling(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ServiceVolumes>();
        return builder;
    }
}
