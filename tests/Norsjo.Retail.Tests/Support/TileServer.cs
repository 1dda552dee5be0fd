using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

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
        var (builder, tls, origin) = LoopbackHttps.Create("tile-server", HttpProtocols.Http1AndHttp2);
        var app = builder.Build();
        var server = new TileServer(app, tls, origin);
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
