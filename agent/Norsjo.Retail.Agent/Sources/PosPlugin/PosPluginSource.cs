using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.PosPlugin;

/// <summary>
/// Serves <see cref="PosPluginService"/> on 127.0.0.1 only (Agent:PosPlugin), plain HTTP/2: the
/// call never leaves the machine, and what it carries is stripped before it is stored. Kestrel
/// alone, without ASP.NET Core's hosting (see <see cref="UnaryGrpcApplication"/>): nothing but what
/// is set here can add an endpoint or leave loopback.
/// </summary>
public sealed partial class PosPluginSource(
    IOptions<AgentOptions> options, SqliteOutbox outbox, ReceiptAnonymiser anonymiser, Evidence.DeliveryEvidence evidence,
    ILoggerFactory loggers, ILogger<PosPluginSource> logger) : ISalesSource
{
    public string Name => "POS plug-in";

    public Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // The JIT build loads Kestrel's assemblies only when ServeAsync is compiled, so a shop
        // without the plug-in does not carry them in memory.
        return settings.PosPlugin.Enabled ? ServeAsync(settings, stoppingToken) : Task.CompletedTask;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task ServeAsync(AgentOptions settings, CancellationToken stoppingToken)
    {
        var service = new PosPluginService(outbox, anonymiser, new DeliveryDistances(settings.Localities), evidence);
        var calls = Contracts.V1.PosPlugin.Descriptor;
        var application = new UnaryGrpcApplication(
        [
            UnaryGrpcMethod.For(calls.FindMethodByName(nameof(service.RecordSale)), PosSale.Parser, service.RecordSale),
            UnaryGrpcMethod.For(calls.FindMethodByName(nameof(service.RecordService)), PosService.Parser, service.RecordService),
        ], logger);
        var kestrel = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = EmptyServices.Instance };
        kestrel.Limits.MaxRequestBodySize = UnaryGrpcApplication.MaxMessageBytes + 5;
        kestrel.Listen(IPAddress.Loopback, settings.PosPlugin.Port, listen => listen.Protocols = HttpProtocols.Http2);
        using var server = new KestrelServer(
            Options.Create(kestrel), new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggers), loggers);
        await server.StartAsync(application, stoppingToken).ConfigureAwait(false);
        LogListening(logger, settings.PosPlugin.Port);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Kestrel asks its options for services (none are needed for plain HTTP/2 on loopback).</summary>
    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "POS plug-in endpoint listens on 127.0.0.1:{Port}")]
    private static partial void LogListening(ILogger logger, int port);
}
