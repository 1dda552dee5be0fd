using System.Net;
using System.Text.Json;
using ClickHouse.Driver;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Security;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// A statement ClickHouse refuses as wrong is the hub's bug (500, logged), not ClickHouse away (503,
/// try later): told apart by ClickHouse's error code, from the real server's own answers.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class StorageFaultTests(ClickHouseServerFixture clickHouse)
{
    public static TheoryData<string, ClickHouseFault> Statements => new()
    {
        { "SELEC 1", ClickHouseFault.Query },
        { "SELECT no_such_column FROM system.one", ClickHouseFault.Query },
        { "SELECT 1 FROM no_such_table", ClickHouseFault.Query },
        { "SELECT no_such_function(1)", ClickHouseFault.Query },
        { "SELECT 1 + 'a'", ClickHouseFault.Query },
        // The server there, but not able to serve it now.
        { "SELECT count() FROM numbers(100000000000) SETTINGS max_execution_time = 1", ClickHouseFault.Outage },
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task ClickHouse_s_own_error_says_whether_the_statement_or_the_server_is_at_fault(string sql, ClickHouseFault expected)
    {
        using var database = new ClickHouseDatabase(clickHouse.Url, "system");

        var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => database.QueryAsync<JsonElement>(sql));

        Assert.Equal(expected, ClickHouseErrors.FaultOf(refused));
        Assert.Equal(expected == ClickHouseFault.Outage, StorageGuard.IsStorageFailure(refused, CancellationToken.None));
        Assert.Equal(expected == ClickHouseFault.Query, StorageGuard.IsQueryFault(refused));
    }

    [Fact]
    public async Task Memory_running_out_is_an_outage()
    {
        // The limit as a server or user setting has it (18.16 applies a statement's own SETTINGS too late for memory); the answer read as the driver reads it.
        var login = Uri.UnescapeDataString(clickHouse.Url.UserInfo);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(clickHouse.Url, "/?max_memory_usage=1000000"))
        {
            Content = new StringContent("SELECT length(groupArray(number)) FROM numbers(10000000)"),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(login)));
        using var response = await http.SendAsync(request);
        Assert.False(response.IsSuccessStatusCode);

        var refused = ClickHouseServerException.FromServerResponse(await response.Content.ReadAsStringAsync(), "SELECT …");

        Assert.Equal("241 MEMORY_LIMIT_EXCEEDED", ClickHouseErrors.Describe(refused));
        Assert.True(StorageGuard.IsStorageFailure(refused, CancellationToken.None));
    }

    [Fact]
    public void An_error_page_from_something_between_the_hub_and_ClickHouse_is_an_outage()
    {
        var proxy = ClickHouseServerException.FromServerResponse("<html><head><title>502 Bad Gateway</title></head></html>", "SELECT 1");

        Assert.Equal(ClickHouseFault.Outage, ClickHouseErrors.FaultOf(proxy));
        Assert.Equal("no ClickHouse error code", ClickHouseErrors.Describe(proxy));
    }

    [Fact]
    public async Task A_broken_statement_behind_the_API_is_a_500_logged_without_the_statement_and_ClickHouse_away_still_a_503()
    {
        using var folder = new TempFolder("ch-query-fault");
        var server = await LocalClickHouseServer.StartAsync(folder.Path);
        try
        {
            await using var hub = await RunningHub.StartAsync(server.ConnectionUrl, "butik-a");
            await hub.Services.GetRequiredService<UserStore>().SaveAsync("kommunen", Browserless.Password, UserRole.Municipality, []);
            using var http = await Browserless.SignedInAsync(hub.HttpUrl, "kommunen");
            var freshness = new Uri("/api/municipality/freshness", UriKind.Relative);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(freshness)).StatusCode);

            // The statement now names a table that is not there: as if the hub's SQL had a typo.
            await hub.Database.ExecuteAsync("RENAME TABLE sales_daily TO sales_daily_elsewhere");
            var broken = await http.GetAsync(freshness);

            Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
            Assert.Equal(StorageGuard.QueryFaultMessage, await DetailAsync(broken));
            var logged = Assert.Single(hub.Log, l => l.StartsWith("Error", StringComparison.Ordinal));
            Assert.Contains("/api/municipality/freshness", logged, StringComparison.Ordinal);
            Assert.Contains("60 UNKNOWN_TABLE", logged, StringComparison.Ordinal);
            Assert.DoesNotContain("sales_daily", logged, StringComparison.Ordinal);

            await server.DisposeAsync();
            var away = await http.GetAsync(freshness);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
            Assert.Equal(StorageGuard.UnavailableMessage, await DetailAsync(away));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
}
