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

    private static readonly System.Globalization.CultureInfo Swedish = System.Globalization.CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>The days into sales_daily, then the nightly job through Hangfire, until it has stored the two stores', their category's and the municipality's metrics.</summary>
    private static async Task RunNightlyJobAsync(RunningHub hub, TabSeparatedRows days)
    {
        await hub.Database.InsertAsync("sales_daily", ["store_id", "sale_date", "category", "vat_rate_bp", "gross_ore", "vat_ore", "returned_gross_ore", "quantity_milli", "version"], days);
        hub.Services.GetRequiredService<IRecurringJobManager>().Trigger(Norsjo.Retail.Hub.Jobs.JobsExtensions.ForecastJob);
        await Eventually.WaitUntilAsync(
            () => hub.Database.QueryAsync<Count>("SELECT count() AS Value FROM forecast_metrics").GetAwaiter().GetResult().Single().Value >= 5,
            "the job stored metrics for both stores, their category and the municipality", TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task The_nightly_job_runs_through_Hangfire_stores_its_forecast_and_metrics_and_the_owner_sees_them()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true", .. CheapForecast.Args]), "butik-a", "butik-b");
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

        await RunNightlyJobAsync(hub, days);
        var points = (await hub.Database.QueryAsync<Count>("SELECT count() AS Value FROM forecast_points WHERE series = 'store:butik-a'")).Single().Value;
        Assert.Equal(56, points);

        await hub.Services.GetRequiredService<UserStore>().SaveAsync("agare-a", "ett-langt-losenord", UserRole.StoreOwner, ["butik-a"]);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
        (await http.PostAsJsonAsync("/api/login", new { username = "agare-a", password = "ett-langt-losenord" })).EnsureSuccessStatusCode();
        var forecast = await http.GetFromJsonAsync<JsonElement>("/api/stores/butik-a/forecast");
        Assert.Equal(56, forecast.GetProperty("points").GetArrayLength());
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), forecast.GetProperty("points")[0].GetProperty("date").GetString());
        Assert.True(forecast.GetProperty("model").GetProperty("mase").GetDouble() > 0);
        // The note's figures are the shown method's own (methodAccuracy) and the best rule's (baseline), on the same days, and its reduction is wonBy.
        var note = forecast.GetProperty("note").GetString()!;
        var own = forecast.GetProperty("methodAccuracy").GetProperty("wape").GetDouble();
        var rule = forecast.GetProperty("baseline").GetProperty("wape").GetDouble();
        Assert.Contains(ForecastWords.Method(forecast.GetProperty("method").GetString()!), note, StringComparison.Ordinal);
        Assert.Contains($"missade den i genomsnitt {own.ToString("P1", Swedish)} av försäljningen", note, StringComparison.Ordinal);
        Assert.Equal(1 - (own / rule), forecast.GetProperty("wonBy").GetDouble(), 9);
        Assert.True(forecast.GetProperty("method").GetString() == forecast.GetProperty("bestBaseline").GetString() || note.Contains($"mot {rule.ToString("P1", Swedish)} för den bästa enkla regeln", StringComparison.Ordinal), note);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri("/api/stores/butik-b/forecast", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri("/api/municipality/forecast", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_late_day_and_a_silent_agent_are_missing_not_zero_sales_through_the_nightly_job_and_the_forecast_says_so()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true", .. CheapForecast.Args]), "butik-a", "butik-b");
        var today = ApiRequest.Today(TimeProvider.System);
        var random = new Random(5);
        double[] weekly = [0.7, 0.9, 0.95, 1.0, 1.05, 1.35, 1.2]; // Sunday … Saturday
        var typical = new Dictionary<string, double> { ["butik-a"] = 20_000, ["butik-b"] = 60_000 };
        // butik-a's yesterday has not arrived yet; butik-b's agent has been silent for ten days.
        var lastDay = new Dictionary<string, DateOnly> { ["butik-a"] = today.AddDays(-2), ["butik-b"] = today.AddDays(-11) };
        var days = new TabSeparatedRows();
        foreach (var (store, level) in typical)
        {
            for (var day = today.AddDays(-400); day <= lastDay[store]; day = day.AddDays(1))
            {
                var gross = (long)(level * 100 * weekly[(int)day.DayOfWeek] * (0.95 + (0.1 * random.NextDouble())));
                days.Row(store, day, "dagligvaror", 1200, gross, gross * 12 / 112, 0L, 1000L, 1L);
            }
        }

        await RunNightlyJobAsync(hub, days);

        var forecasts = hub.Services.GetRequiredService<ForecastRun>();
        var municipality = await forecasts.LatestAsync("municipality");
        var a = await forecasts.LatestAsync("store:butik-a");
        var b = await forecasts.LatestAsync("store:butik-b");
        Assert.Equal(1, a.MissingDays);
        Assert.Equal(10, b.MissingDays);
        // The municipality's total lacks butik-b on its last ten days: those are missing, not a fall to butik-a's sales alone.
        Assert.Equal(10, municipality.MissingDays);
        Assert.Equal(today.AddDays(-10), municipality.Points[0].Date);
        Assert.Contains("De senaste 10 dagarnas försäljning har inte kommit in ännu", municipality.Note, StringComparison.Ordinal);
        // The municipality's total was tried on the municipality's earlier weeks, a shop's on the shop's.
        Assert.Contains("kommunens tidigare veckor", municipality.Note, StringComparison.Ordinal);
        Assert.DoesNotContain("butikens", municipality.Note, StringComparison.Ordinal);
        Assert.Contains("butikens tidigare veckor", a.Note, StringComparison.Ordinal);
        AssertNoCollapse(a, typical["butik-a"]);
        AssertNoCollapse(b, typical["butik-b"]);
        AssertNoCollapse(municipality, typical.Values.Sum());

        // The owner reads the same on the API (and the page shows its note).
        await hub.Services.GetRequiredService<UserStore>().SaveAsync("agare-a", "ett-langt-losenord", UserRole.StoreOwner, ["butik-a"]);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
        (await http.PostAsJsonAsync("/api/login", new { username = "agare-a", password = "ett-langt-losenord" })).EnsureSuccessStatusCode();
        var api = await http.GetFromJsonAsync<JsonElement>("/api/stores/butik-a/forecast");
        Assert.Equal(1, api.GetProperty("missingDays").GetInt32());
        Assert.Contains("Gårdagens försäljning har inte kommit in ännu", api.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(today.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), api.GetProperty("points")[0].GetProperty("date").GetString());

        void AssertNoCollapse(ForecastRun.ForecastView view, double level)
        {
            // Every weekday's forecast stays near that weekday's usual sales (the noise is ±5 %); a missing day read as 0 would pull it towards 0.
            foreach (var weekday in view.Points.GroupBy(p => p.Date.DayOfWeek))
            {
                var usual = level * weekly[(int)weekday.Key];
                Assert.InRange(weekday.Average(p => p.Point), 0.8 * usual, 1.2 * usual);
                Assert.All(weekday, p => Assert.True(p.Upper > p.Lower, $"{view.Series} {p.Date}: band [{p.Lower}, {p.Upper}]"));
            }
        }
    }

    [Fact]
    public async Task A_shop_too_young_for_a_backtest_gets_its_forecast_and_a_note_without_figures_through_the_api()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true", .. CheapForecast.Args]), "butik-a", "butik-ny");
        var today = ApiRequest.Today(TimeProvider.System);
        var random = new Random(7);
        var days = new TabSeparatedRows();
        // butik-a has sold for 400 days; butik-ny opened five weeks ago: too short for any backtest origin.
        foreach (var (store, first) in new[] { ("butik-a", today.AddDays(-400)), ("butik-ny", today.AddDays(-35)) })
        {
            for (var day = first; day < today; day = day.AddDays(1))
            {
                var gross = (long)(20_000_00 * (0.9 + (0.2 * random.NextDouble())));
                days.Row(store, day, "dagligvaror", 1200, gross, gross * 12 / 112, 0L, 1000L, 1L);
            }
        }

        await RunNightlyJobAsync(hub, days);

        await hub.Services.GetRequiredService<UserStore>().SaveAsync("agare-ny", "ett-langt-losenord", UserRole.StoreOwner, ["butik-ny"]);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
        (await http.PostAsJsonAsync("/api/login", new { username = "agare-ny", password = "ett-langt-losenord" })).EnsureSuccessStatusCode();
        using var answer = await http.GetAsync(new Uri("/api/stores/butik-ny/forecast", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var forecast = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(56, forecast.GetProperty("points").GetArrayLength());
        var note = forecast.GetProperty("note").GetString()!;
        Assert.DoesNotContain("NaN", note, StringComparison.Ordinal);
        Assert.DoesNotContain("missade den i genomsnitt", note, StringComparison.Ordinal);
        Assert.Contains("Den har ännu inte kunnat provas på butikens tidigare veckor", note, StringComparison.Ordinal);
        Assert.Contains("byggt på hur prognoserna för andra serier träffade", note, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, forecast.GetProperty("model").ValueKind);
        Assert.All(forecast.GetProperty("points").EnumerateArray(), p => Assert.True(p.GetProperty("upper").GetDouble() > p.GetProperty("lower").GetDouble()));
    }
}
