using Norsjo.Retail.Hub.AgentHealth;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Jobs;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.ServicePoints;
using Norsjo.Retail.Hub.Subsidy;

namespace Norsjo.Retail.Hub.Tenancy;

/// <summary>
/// A municipality's own instances of every service that reads its registry or keeps its
/// municipality-wide rows, beside the hub's shared ones (storage, credentials, users, ingest).
/// The first municipality's are the hub's own services (a single-municipality hub is what it always
/// was); a further municipality gets a container of its own whose services are made by the same
/// constructors, with its <see cref="Municipality"/>, <see cref="RegistrySeed"/> and
/// <see cref="ServicePointSeed"/>, so no code path can reach another municipality's registry.
/// </summary>
public sealed class MunicipalityServices : IServiceProvider, IDisposable
{
    /// <summary>
    /// Every service that is one municipality's. A type that takes <see cref="RegistryFacts"/> or
    /// <see cref="StoreRegistry"/>, directly or through another, belongs here (MunicipalityServicesTests checks it).
    /// </summary>
    public static readonly IReadOnlyList<Type> Types =
    [
        typeof(RegistryFacts), typeof(MonthlyTurnover), typeof(SalesIndexService), typeof(SubsidyLedger), typeof(NotApprovedDeliveries),
        typeof(ForecastRun), typeof(IndexOutlook), typeof(SilentAgents), typeof(ServicePointStore), typeof(ServicePointSignals),
        typeof(PublishedMonths), typeof(MunicipalFigures), typeof(PublishedTable), typeof(ConnectionLogs), typeof(DataCheck), typeof(JobsCatchUp),
    ];

    private static readonly HashSet<Type> Own = [.. Types, typeof(Municipality), typeof(RegistrySeed), typeof(ServicePointSeed), typeof(StoreRegistry)];

    /// <summary>Whether the hub makes the service per municipality (one of <see cref="Types"/>, or what each municipality is given: its registry, seeds, id).</summary>
    public static bool IsPerMunicipality(Type serviceType) => Own.Contains(serviceType);

    private readonly IServiceProvider _shared;
    private readonly ServiceProvider? _own;

    private MunicipalityServices(Municipality municipality, IServiceProvider shared, ServiceProvider? own)
    {
        Municipality = municipality;
        _shared = shared;
        _own = own;
    }

    public Municipality Municipality { get; }

    public RegistryFacts Facts => this.GetRequiredService<RegistryFacts>();

    /// <summary>The first municipality: the hub's own services.</summary>
    public static MunicipalityServices First(IServiceProvider hub) => new(Municipality.First, hub, null);

    /// <summary>A further municipality: its own container, everything else from the hub's.</summary>
    public static MunicipalityServices Further(Municipality municipality, RegistrySeed registry, ServicePointSeed servicePoints, IServiceProvider hub)
    {
        var services = new ServiceCollection();
        MunicipalityServices? self = null;
        services.AddSingleton(municipality);
        services.AddSingleton(registry);
        services.AddSingleton(servicePoints);
        services.AddTransient(_ => self!.Facts.Current);
        foreach (var type in Types)
        {
            services.AddSingleton(type, _ => ActivatorUtilities.CreateInstance(self!, type));
        }

        self = new MunicipalityServices(municipality, hub, services.BuildServiceProvider());
        return self;
    }

    /// <summary>The municipality's services over a request's (its scoped services, and the hub's shared ones).</summary>
    public IServiceProvider Over(IServiceProvider request) => _own is null ? request : new MunicipalityServices(Municipality, request, _own);

    public object? GetService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return _own is not null && Own.Contains(serviceType) ? _own.GetService(serviceType) : _shared.GetService(serviceType);
    }

    public void Dispose() => _own?.Dispose();
}
