using System.Globalization;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Operations;

/// <summary>One store's figures from the data check: receipts, those outside its opening hours, refusals, food's share of sales.</summary>
public sealed record StoreDataCheck(string StoreId, string Name, long Receipts, long OutsideHours, string? FirstOutside, int Refused, decimal FoodShare);

/// <summary>
/// Checks what the hub holds against the registry: every receipt inside its store's opening hours
/// (weekday and minute, Swedish local time as stored), nothing refused at ingest, and food's share
/// of each store's sales (the registry's food categories) inside an expected range. `check-data`
/// prints it; `./norsjo demo` runs it at the end, and DemoSelfCheckTests on the demo's data.
/// </summary>
public sealed class DataCheck(ClickHouseStorage storage, RegistryFacts facts, IngestRefusals refusals)
{
    private sealed record MinuteRow(string StoreId, int Weekday, int Minute, long Receipts);

    private sealed record SalesRow(string StoreId, string Category, int VatRateBp, long GrossOre);

    public async Task<IReadOnlyList<StoreDataCheck>> RunAsync(CancellationToken cancellationToken = default)
    {
        var stores = facts.Current.Stores.Where(s => s.Reports).ToList();
        var ids = SqlLiteral.TextList(stores.Select(s => s.Id).ToList());
        var minutes = await storage.Database.QueryAsync<MinuteRow>($"""
            SELECT store_id AS StoreId, toDayOfWeek(sale_date) AS Weekday, toInt32(minute_of_day) AS Minute, count() AS Receipts
            FROM receipts FINAL WHERE store_id IN {ids}
            GROUP BY StoreId, Weekday, Minute
            """, cancellationToken).ConfigureAwait(false);
        var sales = await storage.Database.QueryAsync<SalesRow>($"""
            SELECT store_id AS StoreId, category AS Category, toInt32(vat_rate_bp) AS VatRateBp, sum(gross_ore) AS GrossOre
            FROM sales_daily FINAL WHERE store_id IN {ids}
            GROUP BY StoreId, Category, VatRateBp
            """, cancellationToken).ConfigureAwait(false);
        var refused = (await refusals.CountsAsync(stores.Select(s => s.Id), cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.StoreId, StringComparer.Ordinal);
        return [.. stores.Select(store =>
        {
            var mine = minutes.Where(m => m.StoreId == store.Id).ToList();
            var outside = mine.Where(m => !store.Hours.IsOpen((DayOfWeek)(m.Weekday % 7), new TimeOnly(m.Minute / 60, m.Minute % 60)))
                .OrderByDescending(m => m.Receipts).ToList();
            var gross = sales.Where(s => s.StoreId == store.Id).ToList();
            var total = gross.Sum(s => s.GrossOre);
            var food = gross.Where(s => facts.Current.Categories.IsFood(s.Category, s.VatRateBp)).Sum(s => s.GrossOre);
            return new StoreDataCheck(store.Id, store.Name, mine.Sum(m => m.Receipts), outside.Sum(m => m.Receipts),
                outside.FirstOrDefault() is { } first ? string.Create(CultureInfo.InvariantCulture, $"{(DayOfWeek)(first.Weekday % 7)} {first.Minute / 60:00}:{first.Minute % 60:00}") : null,
                refused.GetValueOrDefault(store.Id)?.Total ?? 0,
                total == 0 ? 0 : Math.Round((decimal)food / total, 4));
        })];
    }

    /// <summary>The figures as lines for a person, and whether all of them pass (no refusals, nothing outside hours, food within the range).</summary>
    public static (bool Passed, IReadOnlyList<string> Lines) Report(IReadOnlyList<StoreDataCheck> checks, decimal minFoodShare, decimal maxFoodShare)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var sv = CultureInfo.GetCultureInfo("sv-SE");
        var lines = new List<string>();
        var passed = true;
        foreach (var c in checks)
        {
            var ok = c.Refused == 0 && c.OutsideHours == 0 && c.Receipts > 0 && c.FoodShare >= minFoodShare && c.FoodShare <= maxFoodShare;
            passed &= ok;
            lines.Add(string.Create(sv,
                $"{(ok ? "ok  " : "FEL ")} {c.StoreId,-22} {c.Receipts,9:N0} kvitton, {c.OutsideHours:N0} utanför öppettiderna{(c.FirstOutside is null ? string.Empty : $" (t.ex. {c.FirstOutside})")}, {c.Refused:N0} avvisade, livsmedel {c.FoodShare * 100:0.0} % av försäljningen (väntat {minFoodShare * 100:0}–{maxFoodShare * 100:0} %)"));
        }

        return (passed, lines);
    }
}
