namespace Norsjo.Retail.Hub.Registry;

public static class RegistryExtensions
{
    /// <summary>Loads and checks the registry now, so a hub with a broken registry never starts.</summary>
    public static WebApplicationBuilder AddStoreRegistry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var file = builder.Configuration["Registry:File"] ?? "registry.yaml";
        var path = Path.IsPathRooted(file) ? file : Path.Combine(builder.Environment.ContentRootPath, file);
        builder.Services.AddSingleton(RegistryFile.Load(path));
        return builder;
    }
}
