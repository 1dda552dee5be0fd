using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// A first look at what has arrived, per store: counts and dates only, no receipt content. The
/// dashboards replace this for people; it stays for operators and the demo.
/// </summary>
public static class StatusEndpoints
{
    private sealed record StoreStatus(string StoreId, long Receipts, long GrossOre, string FirstSaleDate, string LastSaleDate);

    public static WebApplication MapStatus(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/status", async (ClickHouseStorage storage, CancellationToken cancellationToken) =>
        {
            var stores = await storage.Database.QueryAsync<StoreStatus>(
                """
                SELECT store_id AS StoreId, count() AS Receipts, sum(gross_ore) AS GrossOre,
                       toString(min(sale_date)) AS FirstSaleDate, toString(max(sale_date)) AS LastSaleDate
                FROM receipts FINAL
                GROUP BY store_id
                ORDER BY store_id
                """, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new
            {
                clickHouse = new { url = storage.Database.ServerUrl, database = storage.Database.Name, local = storage.IsLocalServer },
                stores,
            });
        });
        app.MapGet("/health/live", () => Results.Text("ok"));
        app.MapGet("/health/ready", async (ClickHouseStorage storage, CancellationToken cancellationToken) =>
            await storage.Database.PingAsync(cancellationToken).ConfigureAwait(false)
                ? Results.Text("ready")
                : Results.Text("ClickHouse does not answer", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
