namespace Norsjo.Retail.Hub.Storage;

public static class StorageExtensions
{
    public static WebApplicationBuilder AddClickHouseStorage(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<ClickHouseOptions>(builder.Configuration.GetSection(ClickHouseOptions.Section));
        builder.Services.AddSingleton<ClickHouseStorage>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClickHouseStorage>());
        return builder;
    }
}
