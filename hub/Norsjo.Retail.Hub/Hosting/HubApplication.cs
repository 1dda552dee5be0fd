using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>The hub's composition, shared by Program and the tests, which run the same hub in-process.</summary>
public static class HubApplication
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddClickHouseStorage();
        builder.AddIngest();

        var app = builder.Build();
        app.MapIngest();
        app.MapStatus();
        return app;
    }
}
