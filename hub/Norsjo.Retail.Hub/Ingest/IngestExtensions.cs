using Norsjo.Retail.Hub.Stores;

namespace Norsjo.Retail.Hub.Ingest;

public static class IngestExtensions
{
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<List<StoreOptions>>(builder.Configuration.GetSection("Stores"));
        builder.Services.AddSingleton<StoreRegistry>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SalesBatchWriter>();
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<StoreAuthenticationInterceptor>();
            // Batches are kept well below this by the agent; anything larger is a fault, not a sale.
            options.MaxReceiveMessageSize = 4 * 1024 * 1024;
        });
        return builder;
    }

    public static WebApplication MapIngest(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<IngestService>();
        return app;
    }
}
