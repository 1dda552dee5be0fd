using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Norsjo.Retail.Hub.Security;

/// <summary>
/// How long a connection may sit idle and how many the hub holds, so that connections opened and
/// left idle — before, during or after the TLS handshake — cannot pile up: Kestrel closes a connection
/// with no request in flight after <see cref="IdleTimeout"/> (HTTP/1.1 keep-alive and HTTP/2 alike),
/// one that has not sent its request headers after <see cref="RequestHeadersTimeout"/>, and a TLS
/// handshake not done after <see cref="HandshakeTimeout"/>. Agents open a connection per upload
/// round and reconnect when it was closed, so a short idle time costs them nothing.
/// </summary>
public sealed class ConnectionLimits
{
    public const string Section = "Connections";

    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Open connections over all endpoints; more wait in the listen backlog.</summary>
    public long MaxConnections { get; set; } = 1_000;

    public static ConnectionLimits From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ConnectionLimits>() ?? new ConnectionLimits();
}

public static class ConnectionLimitsExtensions
{
    public static WebApplicationBuilder AddConnectionLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var limits = ConnectionLimits.From(builder.Configuration);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.KeepAliveTimeout = limits.IdleTimeout;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConnections;
        });
        return builder;
    }
}
