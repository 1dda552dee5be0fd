using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Dashboards;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Jobs;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Security;
using Norsjo.Retail.Hub.ServicePoints;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Tenancy;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>The hub's composition, shared by Program and the tests, which run the same hub in-process.</summary>
public static class HubApplication
{
    public static WebApplication Build(string[] args) => Build(args, null);

    /// <summary>The hub, with <paramref name="replace"/> given the last word on its services (tests fix the clock: a <see cref="TimeProvider"/> of their own).</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? replace)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddStoreRegistry();
        builder.AddTransportSecurity();
        builder.AddConnectionLimits();
        builder.AddClickHouseStorage();
        builder.AddOperationalStore();
        builder.AddWebSurface();
        builder.AddIngest();
        builder.AddStatus();
        builder.AddStoreOperations();
        builder.AddDashboardApi();
        builder.AddDashboardPages();
        builder.AddJobs();
        builder.AddServicePoints();
        builder.AddMunicipalities();
        replace?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseWebSurface();
        app.UseRefusalPages();
        app.UseStorageOutageAnswers();
        app.MapIngest();
        app.MapStatus();
        app.MapDashboardApi();
        app.MapDashboardPages();
        app.MapServicePages();
        app.MapJobs();
        return app;
    }
}
