using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Operational;

public static class OperationalExtensions
{
    /// <summary>The operational store, the copy of what older hubs kept in ClickHouse, and the key ring in the store. After AddClickHouseStorage.</summary>
    public static WebApplicationBuilder AddOperationalStore(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<OperationalOptions>(builder.Configuration.GetSection(OperationalOptions.Section));
        builder.Services.AddSingleton<OperationalStore>();
        builder.Services.AddSingleton<ClickHouseImport>();
        builder.Services.AddHostedService<OperationalStartup>();
        var deployment = builder.Configuration[$"{OperationalOptions.Section}:{nameof(OperationalOptions.Deployment)}"];
        if (string.IsNullOrWhiteSpace(deployment))
        {
            deployment = builder.Configuration[$"{ClickHouseOptions.Section}:{nameof(ClickHouseOptions.Database)}"] ?? new ClickHouseOptions().Database;
        }

        builder.Services.AddDataProtection().SetApplicationName("norsjo-retail/" + deployment);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new OperationalKeyRing(services.GetRequiredService<OperationalStore>())));
        return builder;
    }

    /// <summary>Brings the store up to date and copies the old ClickHouse rows, before Kestrel listens (after ClickHouse started).</summary>
    private sealed class OperationalStartup(OperationalStore store, ClickHouseImport import) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            store.EnsureMigrated();
            await import.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
