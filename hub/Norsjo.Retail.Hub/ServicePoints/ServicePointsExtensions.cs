using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.ServicePoints;

public static class ServicePointsExtensions
{
    /// <summary>The kommunöversikt: its store, the seed file (checked now, so a broken one stops the start), the silent-shop flag and the open-data limiter. After AddStoreRegistry.</summary>
    public static WebApplicationBuilder AddServicePoints(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(ServicePointOptions.Section);
        builder.Services.Configure<ServicePointOptions>(section);
        var file = section[nameof(ServicePointOptions.SeedFile)] ?? new ServicePointOptions().SeedFile;
        var path = Path.IsPathRooted(file) ? file : Path.Combine(builder.Environment.ContentRootPath, file);
        builder.Services.AddSingleton(services => ServicePointSeed.Load(path, services.GetRequiredService<RegistrySeed>().Registry));
        builder.Services.AddSingleton<ServicePointStore>();
        builder.Services.AddSingleton<ServicePointSignals>();
        builder.Services.AddSingleton<OpenRequestLimiter>();
        builder.Services.AddHostedService<ServicePointSeeding>();
        return builder;
    }

    /// <summary>Seeds the kommunöversikt before Kestrel listens (after the operational store is migrated and the registry seeded).</summary>
    private sealed class ServicePointSeeding(ServicePointStore store, IOptions<ServicePointOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = options.Value.Map; // read once: a bad setting shows at start, not on the first visitor
            return store.EnsureSeededAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
