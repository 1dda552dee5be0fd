using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Norsjo.Retail.Hub.Security;

/// <summary>
/// A self-signed certificate for running the hub without a real one: made once, kept in the hub's
/// data folder, valid for loopback and this machine's name. Agents trust it by its PEM file
/// (Agent:HubCertificate), so the channel is encrypted and the hub is verified even in a demo.
/// </summary>
public static class DevelopmentCertificate
{
    public const string PfxName = "hub-development.pfx";
    public const string PemName = "hub-development.pem";

    public static X509Certificate2 LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        var pfxPath = Path.Combine(directory, PfxName);
        var pemPath = Path.Combine(directory, PemName);
        if (File.Exists(pfxPath) && File.Exists(pemPath))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(pfxPath, null);
            if (existing.NotAfter > DateTime.Now.AddDays(30))
            {
                return existing;
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Norsjö Retail hub (development)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Environment.MachineName);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(2));

        var pfx = created.Export(X509ContentType.Pkcs12);
        WritePrivate(pfxPath, pfx);
        File.WriteAllText(pemPath, created.ExportCertificatePem() + "\n");
        // Re-imported from PKCS#12: on Linux an ephemeral key cannot serve TLS.
        return X509CertificateLoader.LoadPkcs12(pfx, null);
    }

    private static void WritePrivate(string path, byte[] content)
    {
        var temporary = path + ".new";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            file.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
