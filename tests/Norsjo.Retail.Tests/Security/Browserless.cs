using System.Net;
using System.Net.Http.Json;

namespace Norsjo.Retail.Tests.Security;

/// <summary>HTTP clients for the hub's web surface, signed in through the real login API, cookies kept per client.</summary>
internal static class Browserless
{
    public const string Password = "ett-langt-losenord";

    public static HttpClient Client(Uri hub, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = hub };

    public static async Task<HttpClient> SignedInAsync(Uri hub, string user, string password = Password)
    {
        var http = Client(hub);
        var login = await http.PostAsJsonAsync("/api/login", new { username = user, password });
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"{user} could not sign in: {login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        return http;
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient http, string user, string password, string? next = null) =>
        http.PostAsJsonAsync("/api/login", new { username = user, password, next });

    /// <summary>The session cookie as a browser would send it, to copy into another client.</summary>
    public static string SessionCookie(HttpClient http, Uri hub, CookieContainer cookies) =>
        cookies.GetCookies(hub)["norsjo.session"]?.Value ?? throw new InvalidOperationException("no session cookie");
}
