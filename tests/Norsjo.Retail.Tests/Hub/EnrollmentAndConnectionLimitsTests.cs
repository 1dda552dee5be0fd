using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// Code guessing is slowed per remote address and for all addresses together, and a connection left
/// idle — before the TLS handshake, after it, after the HTTP/2 preface — is closed by the hub within
/// the stated time. Real hub, real TLS; other source addresses are other loopback addresses (127.0.0.x).
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class EnrollmentAndConnectionLimitsTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-kusfors";

    [Fact]
    public async Task Enrollment_attempts_are_limited_per_address_with_a_retry_hint_and_other_addresses_still_enroll()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url,
            new HubSettings(ExtraArgs: ["--Enrollment:BurstPerAddress=3", "--Enrollment:AttemptsPerMinutePerAddress=1"]), StoreId);
        var code = await hub.Services.GetRequiredService<StoreCredentials>().IssueEnrollmentCodeAsync(StoreId);
        using var first = From(hub, "127.0.0.1");
        using var second = From(hub, "127.0.0.2");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(StatusCode.Unauthenticated, (await GuessAsync(first, $"AAAA-BBBB-{i:0000}")).StatusCode);
        }

        var limited = await GuessAsync(first, "AAAA-BBBB-CCCC");
        Assert.Equal(StatusCode.ResourceExhausted, limited.StatusCode);
        Assert.InRange(long.Parse(limited.Trailers.GetValue("retry-after-ms")!, System.Globalization.CultureInfo.InvariantCulture), 1, 60_000);
        Assert.Equal(StatusCode.ResourceExhausted, (await GuessAsync(first, code)).StatusCode);

        Assert.Equal(StatusCode.Unauthenticated, (await GuessAsync(second, "AAAA-BBBB-DDDD")).StatusCode);
        var reply = await new Enrollment.EnrollmentClient(second).EnrollAsync(new EnrollRequest { Code = code });
        Assert.Equal(StoreId, reply.StoreId);
    }

    [Fact]
    public async Task Enrollment_attempts_from_all_addresses_together_are_limited_too()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url,
            new HubSettings(ExtraArgs: ["--Enrollment:Burst=4", "--Enrollment:AttemptsPerMinute=1"]), StoreId);
        using var a = From(hub, "127.0.0.1");
        using var b = From(hub, "127.0.0.2");
        using var c = From(hub, "127.0.0.3");

        foreach (var channel in new[] { a, a, b, b })
        {
            Assert.Equal(StatusCode.Unauthenticated, (await GuessAsync(channel, "AAAA-BBBB-CCCC")).StatusCode);
        }

        Assert.Equal(StatusCode.ResourceExhausted, (await GuessAsync(c, "AAAA-BBBB-CCCC")).StatusCode);
    }

    [Fact]
    public async Task A_burst_of_concurrent_guesses_with_the_default_limits_mostly_gets_resource_exhausted()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        using var channel = From(hub, "127.0.0.1");

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => GuessAsync(channel, $"GUES-S{i:000}-XXXX")));

        var looked = answers.Count(a => a.StatusCode == StatusCode.Unauthenticated);
        Assert.Equal(new Norsjo.Retail.Hub.Credentials.EnrollmentLimitOptions().BurstPerAddress, looked);
        Assert.All(answers, a => Assert.True(a.StatusCode is StatusCode.Unauthenticated or StatusCode.ResourceExhausted, a.ToString()));
    }

    public static TheoryData<string> IdleStages() => ["before-tls-handshake", "after-tls-handshake", "after-http2-preface"];

    [Theory]
    [MemberData(nameof(IdleStages))]
    public async Task A_connection_left_idle_is_closed_by_the_hub_within_the_stated_time(string stage)
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs:
            ["--Connections:IdleTimeout=00:00:02", "--Connections:RequestHeadersTimeout=00:00:02", "--Connections:HandshakeTimeout=00:00:02"]), StoreId);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, hub.GrpcUrl.Port);
        Stream stream = tcp.GetStream();
        if (stage != "before-tls-handshake")
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            using var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(hub.CertificatePath));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == pinned.GetCertHashString(),
            });
            stream = tls;
            if (stage == "after-http2-preface")
            {
                // The client preface and an empty SETTINGS frame: a connection ready for calls, then none.
                await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
                await stream.WriteAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
                await stream.FlushAsync();
            }
        }

        var clock = Stopwatch.StartNew();
        await ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(20));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        await stream.DisposeAsync();
    }

    /// <summary>Reads (and drops whatever the hub sends: settings, GOAWAY) until the hub closes the connection.</summary>
    private static async Task ReadUntilClosedAsync(Stream stream, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // reset by the hub: closed as well
        }
    }

    private static async Task<RpcException> GuessAsync(GrpcChannel channel, string code) =>
        await Assert.ThrowsAsync<RpcException>(() => new Enrollment.EnrollmentClient(channel).EnrollAsync(new EnrollRequest { Code = code }).ResponseAsync);

    /// <summary>A channel to the hub whose connections come from <paramref name="sourceAddress"/>, trusting only the hub's certificate.</summary>
    private static GrpcChannel From(RunningHub hub, string sourceAddress)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(hub.CertificatePath));
        var pinned = certificate.GetCertHashString();
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == pinned },
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(sourceAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return GrpcChannel.ForAddress(hub.GrpcUrl, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
