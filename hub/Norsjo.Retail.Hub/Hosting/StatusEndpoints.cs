using Microsoft.Extensions.Diagnostics.HealthChecks;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// For operators: liveness (the process answers), readiness (ClickHouse answers and the schema is
/// current) and a first look at what has arrived per store — counts and dates only. Served on the
/// hub's plain-HTTP loopback endpoint. No sales amounts here: those are behind the API's sign-in.
/// </summary>
public static class StatusEndpoints
{
    private sealed record StoreStatus(string StoreId, long Receipts, string FirstSaleDate, string LastSaleDate);

    public static WebApplicationBuilder AddStatus(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddCheck<ClickHouseReadiness>("clickhouse", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapStatus(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapGet("/status", async (ClickHouseStorage storage, CancellationToken cancellationToken) =>
        {
            var stores = await storage.Database.QueryAsync<StoreStatus>(
                """
                SELECT store_id AS StoreId, count() AS Receipts,
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
        return app;
    }

    private sealed class ClickHouseReadiness(ClickHouseStorage storage, ILoggerFactory loggers) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var migrator = new SchemaMigrator(storage.Database, loggers.CreateLogger<SchemaMigrator>());
                var applied = await migrator.AppliedVersionsAsync(cancellationToken).ConfigureAwait(false);
                return applied.Count > 0 && applied[^1] == migrator.LatestVersion
                    ? HealthCheckResult.Healthy($"schema step {migrator.LatestVersion}")
                    : HealthCheckResult.Unhealthy($"schema is at step {(applied.Count > 0 ? applied[^1] : 0)}, expected {migrator.LatestVersion}");
            }
            catch (Exception e) when (StorageGuard.IsStorageFailure(e, cancellationToken))
            {
                return HealthCheckResult.Unhealthy("ClickHouse does not answer");
            }
        }
    }
}
