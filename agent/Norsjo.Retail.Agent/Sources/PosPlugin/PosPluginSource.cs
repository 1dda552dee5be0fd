using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources.PosPlugin;

/// <summary>
/// Serves <see cref="PosPluginService"/> on 127.0.0.1 only (Agent:PosPlugin), plain HTTP/2: the
/// call never leaves the machine, and what it carries is stripped before it is stored.
/// </summary>
public sealed partial class PosPluginSource(
    IOptions<AgentOptions> options, SqliteOutbox outbox, ReceiptAnonymiser anonymiser, Evidence.DeliveryEvidence evidence, ILogger<PosPluginSource> logger) : ISalesSource
{
    public string Name => "POS plug-in";

    public Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // Kestrel's assemblies load only when this method's body is compiled, so a shop without the
        // plug-in does not carry them in memory.
        return settings.PosPlugin.Enabled ? ServeAsync(settings, stoppingToken) : Task.CompletedTask;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task ServeAsync(AgentOptions settings, CancellationToken stoppingToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Only what is set here: no appsettings or environment may add endpoints (or leave loopback).
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, settings.PosPlugin.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(outbox);
        builder.Services.AddSingleton(anonymiser);
        builder.Services.AddSingleton(evidence);
        builder.Services.AddSingleton(new DeliveryDistances(settings.Localities));
        await using var app = builder.Build();
        app.MapGrpcService<PosPluginService>();
        await app.StartAsync(stoppingToken).ConfigureAwait(false);
        LogListening(logger, settings.PosPlugin.Port);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "POS plug-in endpoint listens on 127.0.0.1:{Port}")]
    private static partial void LogListening(ILogger logger, int port);
}
