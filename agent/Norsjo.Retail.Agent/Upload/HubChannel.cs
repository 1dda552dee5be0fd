using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace Norsjo.Retail.Agent.Upload;

/// <summary>
/// The agent's connection to the hub. With Agent:HubCertificate set, the hub must present that
/// certificate or one issued by it (pinning, for a hub with its own or a development certificate);
/// otherwise the machine's trusted authorities decide. The host name is always checked.
/// </summary>
public static class HubChannel
{
    public static GrpcChannel Create(Uri hubUrl, string? trustedCertificatePath)
    {
        var handler = new SocketsHttpHandler
        {
            // Village networks drop idle connections silently; pings notice it before an upload does.
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(20),
        };
        if (!string.IsNullOrWhiteSpace(trustedCertificatePath))
        {
            // Read at each new connection: a missing or replaced file then only delays uploads.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None
                    || !File.Exists(trustedCertificatePath))
                {
                    return false;
                }

                using var trusted = X509CertificateLoader.LoadCertificateFromFile(trustedCertificatePath);
                return ChainsTo(certificate, trusted);
            };
        }

        return GrpcChannel.ForAddress(hubUrl, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // While the hub is away the channel tries to reconnect with its own back-off (up to 2 min
            // by default), failing every call meanwhile: keep it short, so a hub that is back is seen
            // within seconds (the upload's own back-off decides how often batches are tried).
            MaxReconnectBackoff = TimeSpan.FromSeconds(3),
        });
    }

    private static bool ChainsTo(X509Certificate presented, X509Certificate2 trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(certificate);
    }
}
