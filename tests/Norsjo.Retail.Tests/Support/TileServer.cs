using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Norsjo.Retail.Hub.Security;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A map tile server on this machine, as a municipality would configure one: HTTPS (Kestrel, a
/// certificate of its own), /tiles/{z}/{x}/{y}.png answered with a PNG, every request remembered.
/// </summary>
public sealed class TileServer : IAsyncDisposable
{
    /// <summary>A 1 × 1 PNG: what a tile is, as far as the browser is concerned.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private readonly WebApplication _app;
    private readonly TempFolder _tls;

    private TileServer(WebApplication app, TempFolder tls, Uri origin)
    {
        (_app, _tls, Origin) = (app, tls, origin);
    }

    public Uri Origin { get; }

    /// <summary>The address template for ServicePoints:TileUrl.</summary>
    public string TileUrl => $"{Origin.GetLeftPart(UriPartial.Authority)}/tiles/{{z}}/{{x}}/{{y}}.png";

    public ConcurrentQueue<string> Requested { get; } = new();

    public static async Task<TileServer> StartAsync()
    {
        var tls = new TempFolder("tile-server-tls");
        var certificate = DevelopmentCertificate.LoadOrCreate(tls.Path);
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = tls.Path });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var server = new TileServer(app, tls, new Uri($"https://127.0.0.1:{port}"));
        app.Use(async (context, next) =>
        {
            server.Requested.Enqueue(context.Request.Path.Value ?? string.Empty);
            await next(context);
        });
        app.MapGet("/tiles/{z:int}/{x:int}/{y:int}.png", () => Results.Bytes(Png, "image/png"));
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _tls.Dispose();
    }
}
