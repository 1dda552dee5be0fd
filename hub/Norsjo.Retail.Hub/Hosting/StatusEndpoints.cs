using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// For operators: liveness (the process answers), readiness (ClickHouse answers and the schema is
/// current), the same readiness as the standard gRPC health service (grpc.health.v1) for agents and
/// load balancers, and /status: whether the hub is up for anyone, and for admins what has arrived
/// per store — counts and dates only. No address, user or password of ClickHouse in any answer.
/// </summary>
public static class StatusEndpoints
{
    /// <summary>The tag of the checks that say whether the hub can serve: /health/ready, /status and gRPC health.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The API's admin policy (Api/ApiAuthentication.cs): who sees per-store detail in /status.</summary>
    private const string AdminPolicy = "admin";

    private sealed record StoreStatus(string StoreId, long Receipts, string FirstSaleDate, string LastSaleDate);

    public static WebApplicationBuilder AddStatus(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddCheck<ClickHouseReadiness>("clickhouse", tags: [ReadyTag]);

        // Check runs the checks when asked (no cache), so an agent's probe sees the state of now.
        builder.Services.AddGrpcHealthChecks(options =>
        {
            options.Services.Clear();
            options.Services.Map(string.Empty, check => check.Tags.Contains(ReadyTag));
            options.Services.Map(Contracts.V1.Ingest.Descriptor.FullName, check => check.Tags.Contains(ReadyTag));
        });
        return builder;
    }

    public static WebApplication MapStatus(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapGrpcHealthChecksService();
        app.MapGet("/status", async (HttpContext http, ClickHouseStorage storage, HealthCheckService health, IAuthorizationService authorization, CancellationToken cancellationToken) =>
        {
            var ready = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken).ConfigureAwait(false);
            if (ready.Status != HealthStatus.Healthy)
            {
                return Unavailable();
            }

            if (!(await authorization.AuthorizeAsync(http.User, AdminPolicy).ConfigureAwait(false)).Succeeded)
            {
                return Results.Ok(new { status = "up" });
            }

            try
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
                    status = "up",
                    clickHouse = new { database = storage.Database.Name, local = storage.IsLocalServer },
                    stores,
                });
            }
            catch (Exception e) when (StorageGuard.IsStorageFailure(e, cancellationToken))
            {
                return Unavailable();
            }
        }).AllowAnonymous();
        return app;
    }

    private static IResult Unavailable() =>
        Results.Json(new { status = "unavailable", detail = StorageGuard.UnavailableMessage }, statusCode: StatusCodes.Status503ServiceUnavailable);

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
