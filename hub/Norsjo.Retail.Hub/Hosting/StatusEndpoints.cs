using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
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

    public sealed record StoreStatus(string StoreId, long Receipts, string FirstSaleDate, string LastSaleDate);

    public sealed record ClickHouseStatus(string Database, bool Local);

    /// <summary>"up" or "unavailable"; admins also see the database and what has arrived per store, others only the status.</summary>
    public sealed record HubStatus(
        string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClickHouseStatus? ClickHouse = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<StoreStatus>? Stores = null);

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
        app.MapGet("/status", GetStatus).WithName(nameof(GetStatus)).AllowAnonymous().Produces<HubStatus>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<HubStatus>, JsonHttpResult<HubStatus>>> GetStatus(
        HttpContext http, ClickHouseStorage storage, HealthCheckService health, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var ready = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken).ConfigureAwait(false);
        if (ready.Status != HealthStatus.Healthy)
        {
            return Unavailable();
        }

        if (!(await authorization.AuthorizeAsync(http.User, AdminPolicy).ConfigureAwait(false)).Succeeded)
        {
            return TypedResults.Ok(new HubStatus("up"));
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
            return TypedResults.Ok(new HubStatus("up", ClickHouse: new ClickHouseStatus(storage.Database.Name, storage.IsLocalServer), Stores: [.. stores]));
        }
        catch (Exception e) when (StorageGuard.IsStorageFailure(e, cancellationToken))
        {
            return Unavailable();
        }
    }

    private static JsonHttpResult<HubStatus> Unavailable() =>
        TypedResults.Json(new HubStatus("unavailable", StorageGuard.UnavailableMessage), statusCode: StatusCodes.Status503ServiceUnavailable);

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
