using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>What the index counts as each store's turnover, read from a real ClickHouse.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class MonthlyTurnoverTests(ClickHouseServerFixture clickHouse)
{
    private static DailyTotal Day(DateOnly date, DailySource source, long grossOre, int vatBp = 2500, string category = "") =>
        SampleBatches.DailyTotal(date, source, grossOre, category, vatBp);

    [Fact]
    public async Task Receipts_win_over_Z_reports_which_win_over_SIE_fuel_is_left_out_and_food_counts_at_constant_VAT()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "aa", "bb", "cc");
        using var channel = hub.Channel();
        var client = new Contracts.V1.Ingest.IngestClient(channel);
        var day = new DateOnly(2026, 5, 12);

        // a: receipts (food at 6 % and fuel), and a Z-report for the same day that must not count twice.
        var food = Sale("r1", 10_600, day);
        food.Lines[0].VatOre = 600;
        var fuel = Sale("r2", 50_000, day);
        fuel.Lines[0].Category = "drivmedel";
        fuel.Lines[0].VatRateBasisPoints = 2500;
        fuel.Lines[0].VatOre = 10_000;
        var a = Batch("aa", "a1", food, fuel);
        a.DailyTotals.Add(Day(day, DailySource.ZReport, 999_999));
        await client.UploadBatchAsync(a, RunningHub.Credential(await hub.EnrollAsync("aa")));

        // b: a Z-report and a SIE day for the same day: the Z-report counts.
        var b = new UploadBatchRequest { BatchId = "b1", StoreId = "bb" };
        b.DailyTotals.Add(Day(day, DailySource.ZReport, 12_500));
        b.DailyTotals.Add(Day(day, DailySource.Sie4, 77_700));
        await client.UploadBatchAsync(b, RunningHub.Credential(await hub.EnrollAsync("bb")));

        // c: SIE only, food at 6 % with no category: it counts as dagligvaror, at constant VAT as 12 %.
        var c = new UploadBatchRequest { BatchId = "c1", StoreId = "cc" };
        c.DailyTotals.Add(Day(day, DailySource.Sie4, 21_200, vatBp: 600));
        await client.UploadBatchAsync(c, RunningHub.Credential(await hub.EnrollAsync("cc")));

        var months = (await hub.Services.GetRequiredService<MonthlyTurnover>().ReadAsync(new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 1), CancellationToken.None))
            .OrderBy(m => m.StoreId, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                new StoreMonth("aa", new DateOnly(2026, 5, 1), new Turnover(106m, 0), new Turnover(112m, 0)) { Days = 1 },
                new StoreMonth("bb", new DateOnly(2026, 5, 1), new Turnover(0, 125m), new Turnover(0, 125m)) { Days = 1 },
                new StoreMonth("cc", new DateOnly(2026, 5, 1), new Turnover(212m, 0), new Turnover(224m, 0)) { Days = 1 },
            ],
            months);
    }

    [Fact]
    public async Task A_past_month_counts_by_the_category_mapping_that_held_then()
    {
        // Today is 10 June 2026; from today flowers are sällanköp, no longer dagligvaror.
        var clock = new FixedClock(new DateTimeOffset(2026, 6, 10, 10, 0, 0, TimeSpan.FromHours(2)));
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { Clock = clock }, "aa");
        var batch = new UploadBatchRequest { BatchId = "a1", StoreId = "aa" };
        batch.DailyTotals.Add(Day(new DateOnly(2026, 3, 3), DailySource.ZReport, 12_500, category: "blommor"));
        batch.DailyTotals.Add(Day(new DateOnly(2026, 6, 2), DailySource.ZReport, 12_500, category: "blommor"));
        using var channel = hub.Channel();
        await new Contracts.V1.Ingest.IngestClient(channel).UploadBatchAsync(batch, RunningHub.Credential(await hub.EnrollAsync("aa")));
        var facts = hub.Services.GetRequiredService<Norsjo.Retail.Hub.Registry.RegistryFacts>();
        Assert.True(await facts.ChangeAsync(new Norsjo.Retail.Hub.Registry.RegistryItem(Norsjo.Retail.Hub.Registry.RegistryYaml.Categories, string.Empty,
            "categories:\n  dagligvaror: [\"dagligvaror\", \"tobak\"]\n  excluded: [\"drivmedel\"]\n  food: [\"dagligvaror\"]\n"), null, "kommunen"));

        var months = await hub.Services.GetRequiredService<MonthlyTurnover>().ReadAsync(new DateOnly(2026, 3, 1), new DateOnly(2026, 6, 1), CancellationToken.None);

        Assert.Equal(new Turnover(125m, 0), months.Single(m => m.Month == new DateOnly(2026, 3, 1)).Measured);
        Assert.Equal(new Turnover(0, 125m), months.Single(m => m.Month == new DateOnly(2026, 6, 1)).Measured);
    }
}
