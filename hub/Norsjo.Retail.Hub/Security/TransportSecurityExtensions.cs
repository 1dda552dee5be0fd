namespace Norsjo.Retail.Hub.Security;

public static class TransportSecurityExtensions
{
    /// <summary>
    /// HTTPS endpoints use the certificate configured for Kestrel (Kestrel:Endpoints:Grpc:Certificate
    /// or Kestrel:Certificates:Default); where none is configured, the hub's development certificate.
    /// </summary>
    public static WebApplicationBuilder AddTransportSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var directory = builder.Configuration["Tls:DevelopmentCertificateDirectory"] ?? Path.Combine("data", "tls");
        var handshake = ConnectionLimits.From(builder.Configuration).HandshakeTimeout;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificate ??= DevelopmentCertificate.LoadOrCreate(directory);
            https.HandshakeTimeout = handshake;
        }));
        return builder;
    }
}
