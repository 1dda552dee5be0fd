using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

[Collection(ClickHouseGroup.Name)]
public sealed class IndexOutlookTests(ClickHouseServerFixture clickHouse)
{
    private static double Index(double kr) => 100 * kr / 4100 / 65_435;

    [Fact]
    public void The_chance_of_60_follows_where_the_year_is_heading_and_how_sure_the_forecast_is()
    {
        var needed = 0.6 * 4100 * 65_435; // the yearly turnover that gives exactly 60

        var clearlyAbove = IndexOutlook.Simulate(0.9 * needed, 0.3 * needed, 0.01 * needed, 0, 0.25, 60, Index);
        var clearlyBelow = IndexOutlook.Simulate(0.5 * needed, 0.3 * needed, 0.01 * needed, 0, 0.25, 60, Index);
        var onTheLine = IndexOutlook.Simulate(0.7 * needed, 0.3 * needed, 0.05 * needed, 0, 0.25, 60, Index);

        Assert.Equal(1.0, clearlyAbove.ProbabilityOfTarget, 3);
        Assert.Equal(0.0, clearlyBelow.ProbabilityOfTarget, 3);
        Assert.InRange(onTheLine.ProbabilityOfTarget, 0.45, 0.55);
        Assert.InRange(onTheLine.Expected, 59.8, 60.2);
        Assert.True(onTheLine.Low < 60 && onTheLine.High > 60);
        // An estimated store's ± range widens the spread.
        var withEstimate = IndexOutlook.Simulate(0.5 * needed, 0.2 * needed, 0.05 * needed, 0.3 * needed, 0.25, 60, Index);
        Assert.True(withEstimate.High - withEstimate.Low > onTheLine.High - onTheLine.Low);
    }

    [Fact]
    public async Task The_weekly_job_runs_through_Hangfire_after_the_forecast_and_stores_the_outlook()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true", .. CheapForecast.Args]), "butik-a", "butik-b", "butik-c", "butik-d");
        var today = ApiRequest.Today(TimeProvider.System);
        var random = new Random(9);
        var days = new TabSeparatedRows();
        // Four shops selling together what gives an index near 60 over a year.
        var perStoreDay = 0.6 * 4100 * 65_435 / 4 / 365 * 100;
        foreach (var store in new[] { "butik-a", "butik-b", "butik-c", "butik-d" })
        {
            for (var day = today.AddDays(-500); day < today; day = day.AddDays(1))
            {
                var gross = (long)(perStoreDay * (0.95 + (0.1 * random.NextDouble())));
                days.Row(store, day, "dagligvaror", 1200, gross, gross * 12 / 112, 0L, 1000L, 1L);
            }
        }

        await hub.Database.InsertAsync("sales_daily", ["store_id", "sale_date", "category", "vat_rate_bp", "gross_ore", "vat_ore", "returned_gross_ore", "quantity_milli", "version"], days);
        // The days went in beside ingest: the months the index reads are made from them as ingest makes them.
        await hub.Database.ExecuteAsync(Norsjo.Retail.Hub.SalesIndex.TurnoverMonths.Recompute(_ => "1", "toUInt64(1)"));
        await hub.Services.GetRequiredService<ForecastRun>().RunAsync();

        hub.Services.GetRequiredService<IRecurringJobManager>().Trigger(Norsjo.Retail.Hub.Jobs.JobsExtensions.IndexOutlookJob);
        var outlooks = hub.Services.GetRequiredService<IndexOutlook>();
        await Eventually.WaitUntilAsync(() => outlooks.LatestAsync(today.Year).GetAwaiter().GetResult() is not null, "the weekly job stored an outlook");

        var outlook = (await outlooks.LatestAsync(today.Year))!;
        Assert.InRange(outlook.Expected, 57m, 63m);
        Assert.InRange(outlook.ProbabilityOfTarget, 0.05m, 0.95m);
        Assert.True(outlook.Low <= outlook.Expected && outlook.Expected <= outlook.High);
        Assert.True(outlook.ForecastRestKr > 0);
    }
}
