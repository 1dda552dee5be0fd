using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Hosting;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Stores;

namespace Norsjo.Retail.Tests.Support;

/// <summary>The real hub, in-process, on loopback ports, against the fixture's ClickHouse.</summary>
public sealed class RunningHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempFolder _contentRoot;

    private RunningHub(WebApplication app, TempFolder contentRoot, Uri grpcUrl, Uri httpUrl, ClickHouseDatabase database)
    {
        _app = app;
        _contentRoot = contentRoot;
        GrpcUrl = grpcUrl;
        HttpUrl = httpUrl;
        Database = database;
    }

    public Uri GrpcUrl { get; }

    public Uri HttpUrl { get; }

    /// <summary>A separate connection to the hub's database, for reading back what it stored.</summary>
    public ClickHouseDatabase Database { get; }

    public static Task<RunningHub> StartAsync(Uri clickHouse, params (string StoreId, string Credential)[] stores) =>
        StartAsync(clickHouse, new Uri($"http://127.0.0.1:{FreePort.Next()}"), stores);

    public static async Task<RunningHub> StartAsync(Uri clickHouse, Uri grpcUrl, params (string StoreId, string Credential)[] stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var database = ClickHouseServerFixture.NewDatabaseName();
        var httpUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var contentRoot = new TempFolder("hub-root");
        var args = new List<string>
        {
            "--contentRoot=" + contentRoot.Path,
            "--ClickHouse:Url=" + clickHouse,
            "--ClickHouse:Database=" + database,
            "--Kestrel:Endpoints:Grpc:Url=" + grpcUrl,
            "--Kestrel:Endpoints:Grpc:Protocols=Http2",
            "--Kestrel:Endpoints:Http:Url=" + httpUrl,
            "--Kestrel:Endpoints:Http:Protocols=Http1",
            "--Logging:LogLevel:Default=Warning",
        };
        for (var i = 0; i < stores.Length; i++)
        {
            args.Add($"--Stores:{i}:Id={stores[i].StoreId}");
            args.Add($"--Stores:{i}:CredentialSha256={StoreRegistry.HashCredential(stores[i].Credential)}");
        }

        var app = HubApplication.Build([.. args]);
        await app.StartAsync();
        return new RunningHub(app, contentRoot, grpcUrl, httpUrl, new ClickHouseDatabase(clickHouse, database));
    }

    public Ingest.IngestClient Client(out GrpcChannel channel)
    {
        channel = GrpcChannel.ForAddress(GrpcUrl);
        return new Ingest.IngestClient(channel);
    }

    public static Metadata Credential(string credential) => new() { { "authorization", "Bearer " + credential } };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Database.Dispose();
        _contentRoot.Dispose();
    }
}
