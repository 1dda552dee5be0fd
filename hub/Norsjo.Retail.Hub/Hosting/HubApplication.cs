using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Dashboards;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Jobs;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Security;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>The hub's composition, shared by Program and the tests, which run the same hub in-process.</summary>
public static class HubApplication
{
    public static WebApplication Build(string[] args)
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

        var app = builder.Build();
        app.UseWebSurface();
        app.UseStorageOutageAnswers();
        app.MapIngest();
        app.MapStatus();
        app.MapDashboardApi();
        app.MapDashboardPages();
        app.MapJobs();
        return app;
    }
}
