using System.Globalization;
using System.Text;
using Norsjo.Retail.Hub.Exports;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Subsidy;

public sealed record StatementLine(string DeliveryKey, string Date, string Week, string Locality, decimal DistanceKm, bool Eligible, string Reason, decimal AmountKr, bool Correction);

/// <summary>
/// A store's statement for one month: the deliveries judged in it, with those dated in earlier
/// months marked as corrections (they arrived after that month's statement).
/// </summary>
public sealed record Statement(
    string StoreId, string Month, bool Produced, int Deliveries, int Eligible, int Rejected,
    IReadOnlyDictionary<string, int> RejectedByReason, decimal AmountDueKr, int Corrections, IReadOnlyList<StatementLine> Lines);

/// <summary>What the municipality claims from the state for a year, with every input shown.</summary>
public sealed record StateClaim(
    int Year, int EligibleDeliveries, int Households, decimal NetCostKr, decimal StateShare, decimal HalfOfNetCostKr,
    decimal StateCapPerDeliveryKr, decimal CapTotalKr, decimal ClaimThresholdKr, bool AboveThreshold, decimal ClaimKr, string Method);

/// <summary>
/// The subsidy ledger in ClickHouse. A month's statement is produced once: deliveries up to the
/// month's end that no statement has judged yet are judged and written with that month. Producing
/// it again changes nothing; a delivery that arrives later goes into the next statement.
/// </summary>
public sealed class SubsidyLedger(ClickHouseStorage storage, RegistryFacts facts, TimeProvider time)
{
    private sealed record Row(string StoreId, string DeliveryKey, string DeliveryDate, string HouseholdKey, string Locality, int DistanceM,
        long OrderValueOre, string StatementMonth, int Eligible, string Reason, long AmountOre, int Registered = 0);

    private sealed record Existing(string StoreId);

    private const string LedgerRows = """
        SELECT store_id AS StoreId, delivery_key AS DeliveryKey, toString(delivery_date) AS DeliveryDate, household_key AS HouseholdKey,
               locality AS Locality, toInt32(distance_m) AS DistanceM, order_value_ore AS OrderValueOre,
               toString(statement_month) AS StatementMonth, eligible AS Eligible, reason AS Reason, amount_ore AS AmountOre
        FROM subsidy_ledger FINAL
        """;

    /// <summary>Produces every store's statement for the month (once); returns how many were new.</summary>
    public async Task<int> ProduceAsync(DateOnly month, CancellationToken cancellationToken = default)
    {
        month = new DateOnly(month.Year, month.Month, 1);
        var end = month.AddMonths(1).AddDays(-1);
        var db = storage.Database;
        var done = (await db.QueryAsync<Existing>(
            $"SELECT DISTINCT store_id AS StoreId FROM subsidy_statements WHERE statement_month = {SqlLiteral.Date(month)}", cancellationToken).ConfigureAwait(false))
            .Select(e => e.StoreId).ToHashSet(StringComparer.Ordinal);
        // The registry as it held on the month's last day: a store removed since still gets the
        // statement of a month it traded in, and a change made since leaves a past month as it was.
        var registry = facts.AsOf(end);
        var produced = 0;
        foreach (var store in registry.Stores.Select(s => s.Id).Where(id => !done.Contains(id)))
        {
            var fresh = (await db.QueryAsync<Row>(
                $"""
                SELECT store_id AS StoreId, delivery_key AS DeliveryKey, toString(delivery_date) AS DeliveryDate, household_key AS HouseholdKey,
                       locality AS Locality, toInt32(distance_m) AS DistanceM, order_value_ore AS OrderValueOre,
                       '' AS StatementMonth, 0 AS Eligible, '' AS Reason, toInt64(0) AS AmountOre, household_registered AS Registered
                FROM home_deliveries FINAL
                WHERE store_id = {SqlLiteral.Text(store)} AND delivery_date <= {SqlLiteral.Date(end)}
                  AND delivery_key NOT IN (SELECT delivery_key FROM subsidy_ledger WHERE store_id = {SqlLiteral.Text(store)})
                """, cancellationToken).ConfigureAwait(false)).Select(Fact).ToList();
            var households = fresh.Select(f => f.HouseholdKey).Distinct().ToList();
            var earlier = households.Count == 0 ? [] : (await db.QueryAsync<Row>(
                $"""
                {LedgerRows}
                WHERE store_id = {SqlLiteral.Text(store)} AND household_key IN {SqlLiteral.TextList(households)}
                """, cancellationToken).ConfigureAwait(false)).Select(Entry).ToList();
            var judged = SubsidyJudge.Judge(fresh, earlier, registry.Subsidy, month);
            var version = time.GetUtcNow().ToUnixTimeMilliseconds();
            var rows = new TabSeparatedRows();
            foreach (var e in judged)
            {
                var d = e.Delivery;
                rows.Row(d.StoreId, d.DeliveryKey, d.Date, d.HouseholdKey, d.Locality, d.DistanceM, d.OrderValueOre, month, e.Eligible, e.Reason, e.AmountOre, version);
            }

            await db.InsertAsync("subsidy_ledger", ["store_id", "delivery_key", "delivery_date", "household_key", "locality", "distance_m", "order_value_ore",
                "statement_month", "eligible", "reason", "amount_ore", "version"], rows, cancellationToken).ConfigureAwait(false);
            // Written last: its presence means the ledger rows of this statement are all stored.
            await db.InsertAsync("subsidy_statements", ["store_id", "statement_month", "produced_unix_ms", "version"],
                new TabSeparatedRows().Row(store, month, version, version), cancellationToken).ConfigureAwait(false);
            produced++;
        }

        return produced;
    }

    public async Task<Statement> StatementAsync(string storeId, DateOnly month, CancellationToken cancellationToken = default)
    {
        month = new DateOnly(month.Year, month.Month, 1);
        var db = storage.Database;
        var produced = (await db.QueryAsync<Existing>(
            $"SELECT store_id AS StoreId FROM subsidy_statements WHERE store_id = {SqlLiteral.Text(storeId)} AND statement_month = {SqlLiteral.Date(month)} LIMIT 1",
            cancellationToken).ConfigureAwait(false)).Count > 0;
        var entries = (await db.QueryAsync<Row>(
            $"""
            {LedgerRows}
            WHERE store_id = {SqlLiteral.Text(storeId)} AND statement_month = {SqlLiteral.Date(month)}
            ORDER BY delivery_date, delivery_key
            """, cancellationToken).ConfigureAwait(false)).Select(Entry).ToList();
        var lines = entries.Select(e => new StatementLine(
            e.Delivery.DeliveryKey, e.Delivery.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), SubsidyJudge.Week(e.Delivery.Date),
            e.Delivery.Locality, Math.Round(e.Delivery.DistanceM / 1000m, 1), e.Eligible, e.Reason, e.AmountOre / 100m, e.Delivery.Date < month)).ToList();
        return new Statement(storeId, month.ToString("yyyy-MM", CultureInfo.InvariantCulture), produced, lines.Count, lines.Count(l => l.Eligible),
            lines.Count(l => !l.Eligible),
            lines.Where(l => !l.Eligible).GroupBy(l => ReasonKind(l.Reason)).ToDictionary(g => g.Key, g => g.Count()),
            lines.Sum(l => l.AmountKr), lines.Count(l => l.Correction), lines);
    }

    /// <summary>The deliveries judged not eligible in the statements of the months, oldest first: one query, for the not-approved list.</summary>
    public async Task<IReadOnlyList<StatementLine>> RejectedAsync(string storeId, DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken = default)
    {
        var entries = await storage.Database.QueryAsync<Row>(
            $"""
            {LedgerRows}
            WHERE store_id = {SqlLiteral.Text(storeId)} AND eligible = 0
              AND statement_month >= {SqlLiteral.Date(new DateOnly(fromMonth.Year, fromMonth.Month, 1))} AND statement_month <= {SqlLiteral.Date(new DateOnly(toMonth.Year, toMonth.Month, 1))}
            ORDER BY delivery_date, delivery_key
            """, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(Entry).Select(e => new StatementLine(
            e.Delivery.DeliveryKey, e.Delivery.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), SubsidyJudge.Week(e.Delivery.Date),
            e.Delivery.Locality, Math.Round(e.Delivery.DistanceM / 1000m, 1), false, e.Reason, 0m, e.Delivery.Date < e.StatementMonth))];
    }

    /// <summary>The year's claim, with the state share, cap and threshold that held on the year's last day (a past year keeps its terms).</summary>
    public async Task<StateClaim> ClaimAsync(int year, CancellationToken cancellationToken = default)
    {
        var policy = facts.AsOf(new DateOnly(year, 12, 31)).Subsidy;
        var rows = (await storage.Database.QueryAsync<Row>(
            $"""
            {LedgerRows}
            WHERE eligible = 1 AND toYear(delivery_date) = {SqlLiteral.Number(year)}
            """, cancellationToken).ConfigureAwait(false)).Select(Entry).ToList();
        var net = rows.Sum(r => r.AmountOre) / 100m;
        var half = Math.Round(net * policy.StateShare, 2);
        var capTotal = rows.Sum(r => Math.Min(r.AmountOre, policy.StateCapPerDeliveryOre)) / 100m;
        var threshold = policy.ClaimThresholdOre / 100m;
        var above = net > threshold;
        return new StateClaim(year, rows.Count, rows.Select(r => (r.Delivery.StoreId, r.Delivery.HouseholdKey)).Distinct().Count(), net,
            policy.StateShare, half, policy.StateCapPerDeliveryOre / 100m, capTotal, threshold, above, above ? Math.Min(half, capTotal) : 0m,
            "Statens bidrag = det minsta av andelen av kommunens nettokostnad och taket per hushåll och leverans summerat, " +
            "och bara om nettokostnaden överstiger tröskeln (förordning 2000:284). Nettokostnad = utbetalt hemsändningsbidrag för godkända leveranser.");
    }

    /// <summary>The statement as CSV (semicolons, decimal comma), as the municipality's spreadsheet expects; written by CsvExport.</summary>
    public static string Csv(Statement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return CsvExport.Write(
            ["leverans", "datum", "vecka", "ort", "avstand_km", "godkand", "skal", "belopp_kr", "rattelse"],
            statement.Lines.Select(l => (IReadOnlyList<CsvCell>)[
                l.DeliveryKey, l.Date, l.Week, l.Locality, CsvCell.Number(l.DistanceKm, "0.###"), l.Eligible ? "ja" : "nej", l.Reason,
                CsvCell.Number(l.AmountKr, "0.00"), l.Correction ? "ja" : "nej"]));
    }

    /// <summary>The kind of a rejection's reason, as statements and the not-approved list count them.</summary>
    internal static string ReasonKind(string reason) =>
        reason.StartsWith("För nära", StringComparison.Ordinal) ? "för nära"
        : reason.StartsWith("Hushållet är inte", StringComparison.Ordinal) ? "hushåll inte registrerat"
        : reason.StartsWith("Hushållet", StringComparison.Ordinal) ? "fler leveranser samma vecka"
        : reason.StartsWith("Orten", StringComparison.Ordinal) ? "ort utanför"
        : "utanför regelns giltighet";

    private static DeliveryFact Fact(Row r) => new(r.StoreId, r.DeliveryKey, DateOnly.ParseExact(r.DeliveryDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        r.HouseholdKey, r.Locality, r.DistanceM, r.OrderValueOre)
    { Registered = r.Registered == 1 };

    private static LedgerEntry Entry(Row r) => new(Fact(r), DateOnly.ParseExact(r.StatementMonth, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        r.Eligible == 1, r.Reason, r.AmountOre);
}
