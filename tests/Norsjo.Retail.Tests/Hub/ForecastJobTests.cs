using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>The nightly forecast, run by Hangfire on its real storage, read back from ClickHouse and through the API.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ForecastJobTests(ClickHouseServerFixture clickHouse)
{
    private sealed record Count(long Value);

    [Fact]
    public async Task The_nightly_job_runs_through_Hangfire_stores_its_forecast_and_metrics_and_the_owner_sees_them()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true"]), "butik-a", "butik-b");
        var today = ApiRequest.Today(TimeProvider.System);
        var random = new Random(3);
        var days = new TabSeparatedRows();
        foreach (var store in new[] { "butik-a", "butik-b" })
        {
            for (var day = today.AddDays(-400); day < today; day = day.AddDays(1))
            {
                var gross = (long)((day.DayOfWeek == DayOfWeek.Saturday ? 30_000_00 : 20_000_00) * (0.9 + (0.2 * random.NextDouble())));
                days.Row(store, day, "dagligvaror", 600, gross, gross * 6 / 106, 0L, 1000L, 1L);
            }
        }

        await hub.Database.InsertAsync("sales_daily", ["store_id", "sale_date", "category", "vat_rate_bp", "gross_ore", "vat_ore", "returned_gross_ore", "quantity_milli", "version"], days);

        hub.Services.GetRequiredService<IRecurringJobManager>().Trigger(Norsjo.Retail.Hub.Jobs.JobsExtensions.ForecastJob);

        await Eventually.WaitUntilAsync(
            () => hub.Database.QueryAsync<Count>("SELECT count() AS Value FROM forecast_metrics").GetAwaiter().GetResult().Single().Value >= 5,
            "the job stored metrics for both stores, their category and the municipality", TimeSpan.FromSeconds(120));
        var points = (await hub.Database.QueryAsync<Count>("SELECT count() AS Value FROM forecast_points WHERE series = 'store:butik-a'")).Single().Value;
        Assert.Equal(56, points);

        await hub.Services.GetRequiredService<UserStore>().SaveAsync("agare-a", "ett-langt-losenord", UserRole.StoreOwner, ["butik-a"]);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
        (await http.PostAsJsonAsync("/api/login", new { username = "agare-a", password = "ett-langt-losenord" })).EnsureSuccessStatusCode();
        var forecast = await http.GetFromJsonAsync<JsonElement>("/api/stores/butik-a/forecast");
        Assert.Equal(56, forecast.GetProperty("points").GetArrayLength());
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), forecast.GetProperty("points")[0].GetProperty("date").GetString());
        Assert.True(forecast.GetProperty("model").GetProperty("mase").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(forecast.GetProperty("note").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri("/api/stores/butik-b/forecast", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri("/api/municipality/forecast", UriKind.Relative))).StatusCode);
    }
}
