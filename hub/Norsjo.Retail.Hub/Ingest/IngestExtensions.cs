using Norsjo.Retail.Hub.Credentials;
using OpenTelemetry.Metrics;

namespace Norsjo.Retail.Hub.Ingest;

public static class IngestExtensions
{
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<IngestOptions>(builder.Configuration.GetSection(IngestOptions.Section));
        builder.Services.Configure<CredentialOptions>(builder.Configuration.GetSection(CredentialOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StoreCredentials>();
        builder.Services.AddSingleton<IngestVersions>();
        builder.Services.AddSingleton<SalesBatchWriter>();
        builder.Services.AddSingleton<UploadRateLimiter>();
        builder.Services.AddSingleton<IngestRefusals>();
        builder.Services.Configure<EnrollmentLimitOptions>(builder.Configuration.GetSection(EnrollmentLimitOptions.Section));
        builder.Services.AddSingleton<EnrollmentAttemptLimiter>();
        builder.Services.AddSingleton<IngestMetrics>();
        var maxBytes = builder.Configuration.GetValue<int?>($"{IngestOptions.Section}:{nameof(IngestOptions.MaxBatchBytes)}")
            ?? new IngestOptions().MaxBatchBytes;
        builder.Services.AddGrpc(options =>
        {
            // Over this, gRPC itself answers RESOURCE_EXHAUSTED before the message is parsed.
            options.MaxReceiveMessageSize = maxBytes;
            options.Interceptors.Add<IngestMetricsInterceptor>();
        })
        .AddServiceOptions<IngestService>(options => options.Interceptors.Add<StoreAuthenticationInterceptor>());
        builder.Services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<IngestService>, StrictMethods.IngestMethods>();
        builder.Services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<EnrollmentService>, StrictMethods.EnrollmentMethods>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapIngest(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<IngestService>();
        app.MapGrpcService<EnrollmentService>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
