using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Norsjo.Retail.Hub.Security;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A small server of a test's own on loopback over HTTPS (Kestrel, a certificate of its own in
/// <see cref="Tls"/>, a free port): the builder to add its endpoints to, and where it answers.
/// </summary>
public sealed record LoopbackHttps(WebApplicationBuilder Builder, TempFolder Tls, Uri Origin)
{
    public static LoopbackHttps Create(string name, HttpProtocols protocols)
    {
        var tls = new TempFolder(name + "-tls");
        var certificate = DevelopmentCertificate.LoadOrCreate(tls.Path);
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = tls.Path });
        // Only what is set here: the test's folder holds the hub's appsettings.json, whose endpoints are not this server's.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = protocols;
            listen.UseHttps(certificate);
        }));
        return new LoopbackHttps(builder, tls, new Uri($"https://127.0.0.1:{port}"));
    }
}
