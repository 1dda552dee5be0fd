using System.Net;
using System.Net.Http.Json;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Security.Browserless;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Security;

/// <summary>
/// The hub's two ports and what a browser may make it do: the ingest port answers gRPC only; on the
/// web port a state-changing request from another origin is refused, and every response carries the
/// security headers (issue 14). One hub with its job server (Hangfire's dashboard) for all cases.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class WebSurfaceTests(WebSurfaceTests.Data data) : IClassFixture<WebSurfaceTests.Data>
{
    private const string Foreign = "http://127.0.0.1:6299";
    private readonly RunningHub _hub = data.Hub;

    public sealed class Data(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public RunningHub Hub { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true"]), "butik-a", "butik-b");
            var users = Hub.Services.GetRequiredService<UserStore>();
            await users.SaveAsync("admin", Password, UserRole.Admin, []);
            await users.SaveAsync("agare-a", Password, UserRole.StoreOwner, ["butik-a"]);
        }

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }

    public static TheoryData<string, string> WebPaths => new()
    {
        { "GET", "/" }, { "GET", "/kommun" }, { "GET", "/admin" }, { "GET", "/butik/butik-a" },
        { "GET", "/api/me" }, { "POST", "/api/login" }, { "GET", "/api/municipality/stores" }, { "POST", "/api/admin/stores/butik-a/revoke" },
        { "GET", "/status" }, { "GET", "/metrics" }, { "GET", "/hangfire" }, { "GET", "/openapi/v1.json" },
        { "GET", "/health/live" }, { "GET", "/health/ready" },
    };

    [Theory]
    [MemberData(nameof(WebPaths))]
    public async Task The_ingest_port_serves_no_web_path(string method, string path)
    {
        // Trust exactly the hub's own certificate, as a pinned agent does.
        using var pinned = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_hub.CertificatePath));
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned.GetCertHashString() },
        })
        { BaseAddress = _hub.GrpcUrl };
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Version = HttpVersion.Version20, // the port speaks HTTP/2 only, as gRPC does
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { username = "admin", password = Password });
        }

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_ingest_port_still_serves_enrollment_and_ingest()
    {
        var credential = await _hub.EnrollAsync("butik-b");
        using var channel = _hub.Channel();
        var reply = await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-b", "w-1", Sale("k1", 5_000, new DateOnly(2026, 11, 2))), RunningHub.Credential(credential));
        Assert.NotNull(reply);
    }

    [Fact]
    public async Task A_state_changing_request_from_another_origin_is_refused_whatever_its_body()
    {
        var credential = await _hub.EnrollAsync("butik-a");
        using var admin = await SignedInAsync(_hub.HttpUrl, "admin");
        var attempts = new Func<HttpRequestMessage>[]
        {
            () => Post("/api/admin/stores/butik-a/revoke", null, ("Origin", Foreign)),
            () => Post("/api/admin/stores/butik-a/revoke", new StringContent("x", Encoding.UTF8, "text/plain"), ("Origin", Foreign)),
            () => Post("/api/admin/stores/butik-a/revoke", new FormUrlEncodedContent([new("a", "b")]), ("Origin", Foreign)),
            () => Post("/api/admin/stores/butik-a/revoke", null, ("Origin", "null")),
            () => Post("/api/admin/stores/butik-a/revoke", null, ("Sec-Fetch-Site", "same-site")),
            () => Post("/api/admin/stores/butik-a/revoke", null, ("Sec-Fetch-Site", "cross-site"), ("Origin", Foreign)),
            () => Post("/api/admin/users/agare-a/disable", new StringContent("x", Encoding.UTF8, "text/plain"), ("Origin", Foreign)),
            () => Post("/api/admin/stores/butik-a/enrollment-codes", JsonContent.Create(new { validDays = 1 }), ("Origin", Foreign)),
            () => Post("/api/logout", null, ("Origin", Foreign)),
            () => Post("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "silent-agents-hourly")]), ("Origin", Foreign)),
        };

        foreach (var attempt in attempts)
        {
            using var request = attempt();
            var response = await admin.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{request.RequestUri} from {request.Headers}: {response.StatusCode}");
            Assert.Contains("annan webbplats", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var foreignLogin = Post("/api/login", JsonContent.Create(new { username = "admin", password = Password }), ("Origin", Foreign));
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(_hub.HttpUrl).SendAsync(foreignLogin)).StatusCode);

        // Nothing happened: the agent still uploads, the owner still signs in, the admin is still signed in.
        using var channel = _hub.Channel();
        await new Ingest.IngestClient(channel).UploadBatchAsync(Batch("butik-a", "w-2", Sale("k2", 5_000, new DateOnly(2026, 11, 2))), RunningHub.Credential(credential));
        using var owner = await SignedInAsync(_hub.HttpUrl, "agare-a");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode);

        // The hub's own pages are the same origin, and their requests go through.
        using var own = Post("/api/admin/stores/butik-b/enrollment-codes", JsonContent.Create(new { validDays = 1 }),
            ("Origin", _hub.HttpUrl.GetLeftPart(UriPartial.Authority)), ("Sec-Fetch-Site", "same-origin"));
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(own)).StatusCode);
        using var trigger = Post("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "silent-agents-hourly")]),
            ("Origin", _hub.HttpUrl.GetLeftPart(UriPartial.Authority)), ("Sec-Fetch-Site", "same-origin"));
        Assert.True((await admin.SendAsync(trigger)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var anonymous = Client(_hub.HttpUrl);
        using var admin = await SignedInAsync(_hub.HttpUrl, "admin");
        var responses = new List<(string What, HttpResponseMessage Response)>();
        foreach (var path in new[] { "/api/me", "/status", "/health/live", "/openapi/v1.json", "/metrics", "/", "/kommun" })
        {
            responses.Add(("anonymous " + path, await anonymous.GetAsync(new Uri(path, UriKind.Relative))));
        }

        foreach (var path in new[] { "/api/me", "/api/stores/butik-a/subsidy/2026-10/print", "/api/stores/butik-a/subsidy/2026-10/csv", "/hangfire", "/hangfire/recurring", "/api/admin/stores/nope/revoke" })
        {
            responses.Add(("admin " + path, path.EndsWith("/revoke", StringComparison.Ordinal)
                ? await admin.PostAsync(new Uri(path, UriKind.Relative), null)
                : await admin.GetAsync(new Uri(path, UriKind.Relative))));
        }

        foreach (var (what, response) in responses)
        {
            Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", what + ": X-Frame-Options");
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) && sniff.Single() == "nosniff", what + ": X-Content-Type-Options");
            Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single().Length > 0, what + ": Referrer-Policy");
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Single().Contains("frame-ancestors 'none'", StringComparison.Ordinal),
                what + ": Content-Security-Policy");
        }

        // Hangfire's pages work under their policy: no inline script for it to block.
        var hangfire = await (await admin.GetAsync(new Uri("/hangfire/recurring", UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)[^>]*>", hangfire);
    }

    private static HttpRequestMessage Post(string path, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
