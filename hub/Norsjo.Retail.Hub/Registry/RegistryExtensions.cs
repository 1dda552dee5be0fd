namespace Norsjo.Retail.Hub.Registry;

public static class RegistryExtensions
{
    /// <summary>
    /// Loads and checks the registry file now, so a hub with a broken registry never starts; the
    /// file seeds the registry's facts in the operational store on a deployment's first start, and
    /// <see cref="StoreRegistry"/> is then always today's registry from there (an edit is seen at once).
    /// </summary>
    public static WebApplicationBuilder AddStoreRegistry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var file = builder.Configuration["Registry:File"] ?? "registry.yaml";
        var path = Path.IsPathRooted(file) ? file : Path.Combine(builder.Environment.ContentRootPath, file);
        builder.Services.AddSingleton(new RegistrySeed(path, RegistryFile.Load(path)));
        builder.Services.AddSingleton(Tenancy.Municipality.First);
        builder.Services.AddSingleton<RegistryChangeWatch>();
        builder.Services.AddSingleton<RegistryFacts>();
        builder.Services.AddTransient(services => services.GetRequiredService<RegistryFacts>().Current);
        builder.Services.AddHostedService<RegistrySeeding>();
        return builder;
    }

    /// <summary>Seeds (or reads) the registry's facts before Kestrel listens.</summary>
    private sealed class RegistrySeeding(RegistryFacts facts) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            facts.EnsureSeeded();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
