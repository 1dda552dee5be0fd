using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Hosting;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Tenancy;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// A service that reads a registry must be one municipality's: were it the hub's, a further
/// municipality's requests would get the first municipality's instance, and its figures.
/// </summary>
public sealed class MunicipalityServicesTests
{
    [Fact]
    public void Every_hub_service_that_reads_a_registry_is_made_per_municipality()
    {
        using var root = new TempFolder("services");
        File.WriteAllText(Path.Combine(root.Path, "registry.yaml"), RunningHub.RegistryYaml(["butik-a"]));
        List<ServiceDescriptor> descriptors = [];
        using var app = HubApplication.Build(["--contentRoot=" + root.Path, "--Jobs:Enabled=false", "--Operational:SqlitePath=" + Path.Combine(root.Path, "op.db")],
            services => descriptors = [.. services]);
        var hubAssembly = typeof(RegistryFacts).Assembly;
        var services = descriptors
            .Where(d => d.Lifetime == ServiceLifetime.Singleton && !d.IsKeyedService && d.ServiceType.Assembly == hubAssembly)
            .Select(d => d.ImplementationType ?? d.ServiceType)
            .Distinct()
            .ToList();

        var reading = services.Where(t => ReadsRegistry(t, [])).ToList();

        Assert.Contains(typeof(MunicipalFigures), reading);
        Assert.Equal([], reading.Where(t => !MunicipalityServices.IsPerMunicipality(t)).Select(t => t.Name));
    }

    private static bool ReadsRegistry(Type type, HashSet<Type> seen)
    {
        if (type == typeof(RegistryFacts) || type == typeof(StoreRegistry))
        {
            return true;
        }

        if (!seen.Add(type) || type.Assembly != typeof(RegistryFacts).Assembly)
        {
            return false;
        }

        return type.GetConstructors().SelectMany(c => c.GetParameters()).Any(p => ReadsRegistry(p.ParameterType, seen));
    }
}
