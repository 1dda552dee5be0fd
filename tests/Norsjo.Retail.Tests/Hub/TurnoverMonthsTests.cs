using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The months kept at ingest (turnover_monthly) against today's path (the months computed from the
/// day tables at query time), on the same data, after every batch: receipts, Z-reports and SIE for
/// the same days, days and receipts sent again, and food across the VAT step of 1 April 2026.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class TurnoverMonthsTests(ClickHouseServerFixture clickHouse)
{
    private static readonly DateOnly From = new(2026, 2, 1);
    private static readonly DateOnly To = new(2026, 5, 1);

    internal sealed record Row(string StoreId, string Month, string Category, int VatRateBp, long GrossOre, long NetOre, int Days);

    private static DailyTotal Day(DateOnly date, DailySource source, long grossOre, string category, int vatBp = 1200) =>
        SampleBatches.DailyTotal(date, source, grossOre, category, vatBp);

    private static Receipt Sale(string key, long grossOre, DateOnly date, string category = "dagligvaror", int vatBp = 600)
    {
        var receipt = SampleBatches.Sale(key, grossOre, date);
        receipt.Lines[0].Category = category;
        receipt.Lines[0].VatRateBasisPoints = vatBp;
        receipt.Lines[0].VatOre = grossOre * vatBp / (10_000 + vatBp);
        return receipt;
    }

    private static UploadBatchRequest Totals(string storeId, string id, params DailyTotal[] totals)
    {
        var batch = Batch(storeId, id);
        batch.DailyTotals.AddRange(totals);
        return batch;
    }

    [Fact]
    public async Task The_stored_months_equal_todays_path_after_every_batch_including_days_sent_again_and_the_VAT_step()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "aa", "bb", "cc");
        using var channel = hub.Channel();
        var client = new Contracts.V1.Ingest.IngestClient(channel);
        var credentials = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var store in new[] { "aa", "bb", "cc" })
        {
            credentials[store] = await hub.EnrollAsync(store);
        }

        var march = new DateOnly(2026, 3, 5);
        var april = new DateOnly(2026, 4, 10);
        UploadBatchRequest[] batches =
        [
            // aa: food on receipts at 12 % in March and 6 % in April, fuel left out, and a Z-report that the receipts outrank.
            Batch("aa", "a1", Sale("r1", 11_200, march, vatBp: 1200), Sale("r2", 10_600, april), Sale("r3", 50_000, april, "drivmedel", 2500)),
            Totals("aa", "a2", Day(april, DailySource.ZReport, 999_900, "dagligvaror", 600)),
            // bb: a Z-report and SIE on the same day, SIE alone the next; then receipts arrive for the first day
            // (its only tobacco row must go) and the second day's SIE is sent again in another category.
            Totals("bb", "b1", Day(march, DailySource.ZReport, 30_000, "tobak"), Day(march, DailySource.Sie4, 77_700, "tobak"), Day(march.AddDays(1), DailySource.Sie4, 20_000, "blommor")),
            Batch("bb", "b2", Sale("s1", 5_300, march)),
            Totals("bb", "b3", Day(march.AddDays(1), DailySource.Sie4, 21_000, "jarnhandel", 2500)),
            // cc: a receipt across two months, then sent again with another amount: the later copy replaces it.
            Batch("cc", "c1", Sale("t1", 4_000, new DateOnly(2026, 2, 27)), Sale("t2", 8_000, new DateOnly(2026, 5, 2))),
            Batch("cc", "c2", Sale("t1", 6_000, new DateOnly(2026, 2, 27)), Sale("t3", 1_000, new DateOnly(2026, 2, 28))),
        ];

        foreach (var batch in batches)
        {
            await client.UploadBatchAsync(batch, RunningHub.Credential(credentials[batch.StoreId]));
            var today = await RowsAsync(hub.Database, MonthlyTurnover.Sql(From, To));
            var stored = await RowsAsync(hub.Database, TurnoverMonths.Sql(From, To, ["aa", "bb", "cc"]));
            Assert.Equal(today, stored);
        }

        // Not the same by both being wrong: the figures the index reads, worked by hand.
        var months = await hub.Services.GetRequiredService<MonthlyTurnover>().ReadAsync(From, To, CancellationToken.None);
        StoreMonth Of(string store, DateOnly month) => months.Single(m => m.StoreId == store && m.Month == month);
        Assert.Equal(new StoreMonth("aa", new DateOnly(2026, 4, 1), new Turnover(106m, 0), new Turnover(112m, 0)) { Days = 1 }, Of("aa", new DateOnly(2026, 4, 1)));
        Assert.Equal(new StoreMonth("bb", new DateOnly(2026, 3, 1), new Turnover(53m, 210m), new Turnover(53m, 210m)) { Days = 1 }, Of("bb", new DateOnly(2026, 3, 1)));
        Assert.Equal(new Turnover(70m, 0), Of("cc", new DateOnly(2026, 2, 1)).Measured);
        Assert.DoesNotContain(await RowsAsync(hub.Database, TurnoverMonths.Sql(From, To, ["bb"])), r => r.Category == "tobak");
    }

    [Fact]
    public async Task A_store_the_municipality_does_not_register_is_not_read()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "aa");
        await hub.Database.ExecuteAsync(
            "INSERT INTO sales_daily (store_id, sale_date, category, vat_rate_bp, gross_ore, vat_ore, returned_gross_ore, quantity_milli, version) " +
            "VALUES ('annan-kommun', '2026-03-03', 'dagligvaror', 1200, 11200, 1200, 0, 1000, 1)");
        await hub.Database.ExecuteAsync(TurnoverMonths.ForStoreDays("annan-kommun", [new DateOnly(2026, 3, 3)], 2));

        Assert.Single(await RowsAsync(hub.Database, TurnoverMonths.Sql(From, To, ["annan-kommun"])));
        Assert.Empty(await hub.Services.GetRequiredService<MonthlyTurnover>().ReadAsync(From, To, CancellationToken.None));
    }

    /// <summary>The rows a month query gives, in one order (also compared by the cluster test).</summary>
    internal static async Task<List<Row>> RowsAsync(ClickHouseDatabase database, string sql) =>
        [.. (await database.QueryAsync<Row>(sql)).OrderBy(r => r.StoreId, StringComparer.Ordinal).ThenBy(r => r.Month, StringComparer.Ordinal)
            .ThenBy(r => r.Category, StringComparer.Ordinal).ThenBy(r => r.VatRateBp)];
}
