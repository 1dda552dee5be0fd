using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.CashHandling;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Disclosure;

public sealed record StoreCash(string StoreId, long CashOre, long TotalOre);

public sealed record StoreHour(string StoreId, int Hour, long Receipts);

public sealed record StoreDelivery(string StoreId, string Locality, long Deliveries, long Households, long OrderOre, double DistanceM);

/// <summary>
/// One month as the municipality's figures are made from it: each store's inputs (turnover, cash,
/// receipts per hour, deliveries per locality, service volumes per kind) and the groups and consents in force, as they were
/// when the month was published (<see cref="Version"/> 1) or last revised. Version 0 is a month not
/// published (still running, or nothing to publish yet), read as it stands.
/// </summary>
public sealed record PublishedMonth(
    DateOnly Month,
    int Version,
    IReadOnlyList<ProtectedGroup> Groups,
    IReadOnlyList<ConsentEvent> Shared,
    IReadOnlyList<StoreMonth> Turnover,
    IReadOnlyList<StoreCash> Cash,
    IReadOnlyList<StoreHour> Hours,
    IReadOnlyList<StoreDelivery> Deliveries,
    IReadOnlyList<StoreServiceMonth>? Services = null)
{
    /// <summary>The stores' service volumes (issue 19); none in a month published before they were frozen with it.</summary>
    [JsonIgnore]
    public IReadOnlyList<StoreServiceMonth> ServiceVolumes => Services ?? [];

    /// <summary>Whether any cell passes the rule: a month where none does publishes nothing.</summary>
    public bool ShowsAnything(DisclosureOptions options) =>
        Cells().GroupBy(c => c.Cell).Any(cell => cell.Any(c => c.Value != 0) && DisclosureRule.Check(cell.Select(c => c.Value), options).Shown);

    private DisclosurePlan? _plan;

    public DisclosurePlan Plan() => _plan ??= DisclosurePlan.Of(Groups, Shared.ToDictionary(s => s.StoreId, StringComparer.Ordinal));

    /// <summary>
    /// Every cell that could be published from this month, with each protected store's part: per
    /// group its turnover (total and both categories), receipts per hour and each service kind's
    /// count and amount (the kontanthantering section); over all protected
    /// stores the cash and all payments, and per locality the deliveries, households, order value
    /// and distance. What a revision is checked on.
    /// </summary>
    public IEnumerable<(string Cell, string StoreId, decimal Value)> Cells()
    {
        var own = Groups.SelectMany(g => g.StoreIds.Select(s => (Store: s, g.Label))).ToDictionary(x => x.Store, x => x.Label, StringComparer.Ordinal);
        foreach (var m in Turnover.Where(m => own.ContainsKey(m.StoreId)))
        {
            yield return ($"turnover:{own[m.StoreId]}:total", m.StoreId, m.Measured.TotalKr);
            yield return ($"turnover:{own[m.StoreId]}:dagligvaror", m.StoreId, m.Measured.DagligvarorKr);
            yield return ($"turnover:{own[m.StoreId]}:sallankop", m.StoreId, m.Measured.SallankopKr);
        }

        foreach (var h in Hours.Where(h => own.ContainsKey(h.StoreId)))
        {
            yield return ($"hours:{own[h.StoreId]}:{h.Hour}", h.StoreId, h.Receipts);
        }

        foreach (var v in ServiceVolumes.Where(v => own.ContainsKey(v.StoreId)))
        {
            yield return ($"services:{own[v.StoreId]}:{v.Kind}:count", v.StoreId, v.Transactions);
            yield return ($"services:{own[v.StoreId]}:{v.Kind}:amount", v.StoreId, v.AmountOre);
        }

        foreach (var c in Cash.Where(c => own.ContainsKey(c.StoreId)))
        {
            yield return ("cash", c.StoreId, c.CashOre);
            yield return ("payments", c.StoreId, c.TotalOre);
        }

        foreach (var d in Deliveries.Where(d => own.ContainsKey(d.StoreId)))
        {
            yield return ($"deliveries:{d.Locality}:count", d.StoreId, d.Deliveries);
            yield return ($"deliveries:{d.Locality}:households", d.StoreId, d.Households);
            yield return ($"deliveries:{d.Locality}:orders", d.StoreId, d.OrderOre);
            yield return ($"deliveries:{d.Locality}:distance", d.StoreId, (decimal)d.DistanceM);
        }
    }
}

/// <summary>
/// The inputs of a month a figure reads. A month still running (or not yet published) is read for
/// the figure's parts only: the index needs the turnover, not the hours, deliveries and services
/// (four statements, most of a municipal call's time). A month being published is read whole.
/// </summary>
[Flags]
public enum MonthParts
{
    Turnover = 1,
    Cash = 2,
    Hours = 4,
    Deliveries = 8,
    Services = 16,
    All = Turnover | Cash | Hours | Deliveries | Services,
}

/// <summary>
/// What the region's call reads once for every municipality (Api/RegionApi.cs) instead of once per
/// municipality: the latest published version of each municipality's months, and the stored
/// turnover of all their stores for the months not published. Each municipality's figures are then
/// made from its share exactly as from its own reads. The consents are the hub's (one log for every store).
/// <see cref="HeldTurnover"/>: the stored turnover, from <see cref="HeldFrom"/>, of the stores of every municipality with a settled
/// month not published (held back, read as it stands), and <see cref="HeldPrints"/> the same stores' prints of those months' other
/// parts (<see cref="MonthPrints"/>): what tells whether such a month changed (Api/RegionalParts.cs).
/// </summary>
public sealed record RegionalRead(
    IReadOnlyDictionary<string, ConsentEvent> Consents, IReadOnlyDictionary<string, IReadOnlyDictionary<DateOnly, int>> Versions,
    ILookup<string, TurnoverMonths.Row> LiveTurnover, DateOnly LiveFrom, ILookup<string, TurnoverMonths.Row>? HeldTurnover = null, DateOnly HeldFrom = default,
    ILookup<string, MonthPrints.Row>? HeldPrints = null);

/// <summary>
/// Published months are frozen. The first time a settled month is asked for (by the API, the
/// pages or the Grafana publication) its inputs and its groups are written, once, to the
/// operational store (published_months), and every later figure of that month is made from that
/// copy (the service volumes of the kontanthantering section too): a late upload, a store that moves village, joins or leaves the registry, or a consent
/// given since, changes nothing already published, so old and new publications cannot be
/// subtracted from each other. A month is revised (<see cref="ReviseAsync"/>, with every
/// publication run) only if the revision passes the rule by itself: in each cell that could have
/// been shown, what changed must pass <see cref="DisclosureRule"/> as a cell of its own (at least
/// three protected stores changed, none dominating); a cell that was held back may change freely,
/// nothing of it was published. The groups and consents of a month never change once published.
/// </summary>
public sealed partial class PublishedMonths(
    OperationalStore store, MonthlyTurnover turnover, ClickHouseStorage storage, Tenancy.Municipality municipality,
    IOptions<DisclosureOptions> options, TimeProvider time, ILogger<PublishedMonths> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<(DateOnly Month, int Version), PublishedMonth> _cache = new();

    private sealed class Latest
    {
        public string Municipality { get; set; } = string.Empty;

        public string Month { get; set; } = string.Empty;

        public long Version { get; set; }
    }

    /// <summary>
    /// Every month from <paramref name="from"/> to <paramref name="to"/>: the published copy of each
    /// month up to <paramref name="lastSettled"/> (published now if it has not been and has data),
    /// later months as they stand, made with <paramref name="plan"/>.
    /// </summary>
    /// <param name="parts">What the figure reads of a month not published (a month published now is read whole).</param>
    /// <param name="region">The region's reads for every municipality at once, if this is the region's call.</param>
    public async Task<IReadOnlyDictionary<DateOnly, PublishedMonth>> GetAsync(
        DateOnly from, DateOnly to, DateOnly lastSettled, DisclosurePlan plan, CancellationToken cancellationToken, MonthParts parts = MonthParts.All, RegionalRead? region = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var result = new Dictionary<DateOnly, PublishedMonth>();
        if (from <= lastSettled)
        {
            var settledTo = to < lastSettled ? to : lastSettled;
            var stored = region?.Versions.GetValueOrDefault(municipality.Id) is { } versions
                ? await ContentAsync(from, settledTo, versions, cancellationToken).ConfigureAwait(false)
                : await StoredAsync(from, settledTo, cancellationToken).ConfigureAwait(false);
            foreach (var (month, published) in stored)
            {
                result[month] = published;
            }

            var missing = SalesIndexCalculator.MonthsBetween(from, settledTo).Where(m => !result.ContainsKey(m)).ToList();
            if (missing.Count > 0)
            {
                var live = await LiveAsync(missing[0], missing[^1], plan, cancellationToken).ConfigureAwait(false);
                foreach (var month in missing)
                {
                    var candidate = live.GetValueOrDefault(month) ?? Nothing(month, plan);
                    // A month is published once some figure of it can be shown; until then nothing of it is, and it is read as it stands.
                    result[month] = candidate.ShowsAnything(options.Value) ? await PublishFirstAsync(candidate, cancellationToken).ConfigureAwait(false) : candidate;
                }
            }
        }

        if (to > lastSettled)
        {
            var first = from > lastSettled ? from : lastSettled.AddMonths(1);
            var live = region is not null && parts == MonthParts.Turnover && region.LiveFrom <= first
                ? Live(first, to, plan, turnover.Own(region.LiveTurnover, to), [], [], [], [], everyStore: false)
                : await LiveAsync(first, to, plan, cancellationToken, parts: parts).ConfigureAwait(false);
            foreach (var month in SalesIndexCalculator.MonthsBetween(first, to))
            {
                result[month] = live.GetValueOrDefault(month) ?? Nothing(month, plan);
            }
        }

        return result;
    }

    /// <summary>Publishes a revision of each published month whose data changed, where the revision passes the rule by itself. Returns how many.</summary>
    public async Task<int> ReviseAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var revised = 0;
        var published = await StoredAsync(from, to, cancellationToken).ConfigureAwait(false);
        if (published.Count == 0)
        {
            return 0;
        }

        var anyPlan = published.Values.First().Plan();
        var live = await LiveAsync(published.Keys.Min(), published.Keys.Max(), anyPlan, cancellationToken, everyStore: true).ConfigureAwait(false);
        foreach (var (month, old) in published)
        {
            // The month's own groups and consents: the candidate keeps them, and only their stores.
            var now = live.GetValueOrDefault(month) ?? Nothing(month, anyPlan);
            var stores = old.Groups.SelectMany(g => g.StoreIds).Concat(old.Shared.Select(s => s.StoreId)).ToHashSet(StringComparer.Ordinal);
            var candidate = new PublishedMonth(month, old.Version + 1, old.Groups, old.Shared,
                [.. now.Turnover.Where(t => stores.Contains(t.StoreId))], [.. now.Cash.Where(c => stores.Contains(c.StoreId))],
                [.. now.Hours.Where(h => stores.Contains(h.StoreId))], [.. now.Deliveries.Where(d => stores.Contains(d.StoreId))],
                [.. now.ServiceVolumes.Where(v => stores.Contains(v.StoreId))]);
            if (Serialize(candidate with { Version = old.Version }) == Serialize(old))
            {
                continue;
            }

            if (RevisionRefusal(old, candidate, options.Value) is { } reason)
            {
                LogNotRevised(logger, month, reason);
                continue;
            }

            if (await InsertAsync(candidate, expectedLatest: old.Version, cancellationToken).ConfigureAwait(false))
            {
                revised++;
            }
        }

        return revised;
    }

    /// <summary>Why <paramref name="revision"/> may not replace <paramref name="published"/>, or null if it may.</summary>
    public static string? RevisionRefusal(PublishedMonth published, PublishedMonth revision, DisclosureOptions options)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(revision);
        var before = published.Cells().ToLookup(c => c.Cell);
        var after = revision.Cells().ToLookup(c => c.Cell);
        foreach (var cell in before.Select(g => g.Key).Union(after.Select(g => g.Key)).Order(StringComparer.Ordinal))
        {
            var old = before[cell].ToDictionary(c => c.StoreId, c => c.Value, StringComparer.Ordinal);
            var changes = after[cell].ToDictionary(c => c.StoreId, c => c.Value, StringComparer.Ordinal);
            var deltas = old.Keys.Union(changes.Keys).Select(s => changes.GetValueOrDefault(s) - old.GetValueOrDefault(s)).Where(d => d != 0).ToList();
            if (deltas.Count == 0 || !DisclosureRule.Check(old.Values, options).Shown)
            {
                continue; // unchanged, or held back before: nothing of it was published
            }

            if (DisclosureRule.Check(deltas, options) is { Shown: false } verdict)
            {
                return $"{cell}: the change {verdict.Reason}";
            }
        }

        return null;
    }

    private static PublishedMonth Nothing(DateOnly month, DisclosurePlan plan) =>
        new(month, 0, plan.Groups, [.. plan.Shared.Values], [], [], [], [], []);

    private static string Serialize(PublishedMonth month) => JsonSerializer.Serialize(month, Json);

    private async Task<PublishedMonth> PublishFirstAsync(PublishedMonth candidate, CancellationToken cancellationToken)
    {
        await InsertAsync(candidate with { Version = 1 }, expectedLatest: 0, cancellationToken).ConfigureAwait(false);
        var stored = await StoredAsync(candidate.Month, candidate.Month, cancellationToken).ConfigureAwait(false);
        return stored[candidate.Month]; // another hub's, if it was first
    }

    /// <summary>Adds the version if the month's latest is still <paramref name="expectedLatest"/> (one transaction; hubs take turns).</summary>
    private Task<bool> InsertAsync(PublishedMonth month, int expectedLatest, CancellationToken cancellationToken) =>
        store.ExclusiveAsync(async (connection, transaction) =>
        {
            var key = Key(month.Month);
            var latest = await connection.ExecuteScalarAsync<long?>(
                "SELECT CAST(max(version) AS BIGINT) FROM published_months WHERE municipality = @Municipality AND month = @Key", new { Municipality = municipality.Id, Key = key }, transaction).ConfigureAwait(false) ?? 0;
            if (latest != expectedLatest)
            {
                return false;
            }

            await connection.ExecuteAsync(
                "INSERT INTO published_months (municipality, month, version, published_unix_ms, content) VALUES (@Municipality, @Key, @Version, @At, @Content)",
                new { Municipality = municipality.Id, Key = key, month.Version, At = time.GetUtcNow().ToUnixTimeMilliseconds(), Content = Serialize(month) }, transaction).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>The latest published version of each month in the range (cached: a version never changes).</summary>
    private async Task<Dictionary<DateOnly, PublishedMonth>> StoredAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var versions = (await VersionsAsync(store, from, to, municipality.Id, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(municipality.Id);
        return await ContentAsync(from, to, versions ?? new Dictionary<DateOnly, int>(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest published version of each month in the range, per municipality (of one, or of all: the region's call reads them in one statement).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<DateOnly, int>>> VersionsAsync(
        OperationalStore store, DateOnly from, DateOnly to, string? municipalityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var latest = await connection.QueryAsync<Latest>(new CommandDefinition(
            "SELECT municipality AS Municipality, month AS Month, CAST(max(version) AS BIGINT) AS Version FROM published_months " +
            $"WHERE {(municipalityId is null ? string.Empty : "municipality = @Municipality AND ")}month >= @From AND month <= @To GROUP BY municipality, month",
            new { Municipality = municipalityId, From = Key(from), To = Key(to) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return latest.GroupBy(r => r.Municipality, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<DateOnly, int>)g.ToDictionary(r => DateOnly.ParseExact(r.Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture), r => (int)r.Version),
            StringComparer.Ordinal);
    }

    /// <summary>The months in the range at the given versions (cached: a version never changes).</summary>
    private async Task<Dictionary<DateOnly, PublishedMonth>> ContentAsync(DateOnly from, DateOnly to, IReadOnlyDictionary<DateOnly, int> versions, CancellationToken cancellationToken)
    {
        var result = new Dictionary<DateOnly, PublishedMonth>();
        var wanted = versions.Where(v => v.Key >= from && v.Key <= to).ToList();
        if (wanted.All(v => _cache.ContainsKey((v.Key, v.Value))))
        {
            foreach (var (month, version) in wanted)
            {
                result[month] = _cache[(month, version)];
            }

            return result;
        }

        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (month, version) in wanted)
        {
            if (!_cache.TryGetValue((month, version), out var published))
            {
                var content = await connection.ExecuteScalarAsync<string>(
                    "SELECT content FROM published_months WHERE municipality = @Municipality AND month = @Month AND version = @Version",
                    new { Municipality = municipality.Id, Month = Key(month), Version = (long)version }).ConfigureAwait(false);
                published = JsonSerializer.Deserialize<PublishedMonth>(content!, Json)!;
                _cache[(month, version)] = published;
            }

            result[month] = published;
        }

        return result;
    }

    private static string Key(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private sealed record CashRow(string StoreId, string Month, long CashOre, long TotalOre);

    private sealed record HourRow(string StoreId, string Month, int Hour, long Receipts);

    private sealed record DeliveryRow(string StoreId, string Month, string Locality, long Deliveries, long Households, long OrderOre, double DistanceM);

    /// <summary>
    /// What a month's publication reads from ClickHouse, per store and month: the turnover
    /// (<see cref="MonthlyTurnover.Sql"/>), cash and all payments, receipts per hour, deliveries per
    /// locality, service volumes per kind (<see cref="CashHandling.ServiceVolumes.Sql"/>). Every municipal figure is made from these rows (also run as they are by the benchmark).
    /// With <paramref name="stores"/> (the plan's), only those stores' rows are read and the turnover
    /// comes from the months kept at ingest (<see cref="TurnoverMonths"/>), so the cost follows the
    /// municipality's stores, not the hub's (issue 20); without, every store's rows, as a revision needs.
    /// </summary>
    public static IReadOnlyList<string> LiveSql(DateOnly from, DateOnly to, IReadOnlyCollection<string>? stores = null)
    {
        var (first, last) = (SqlLiteral.Date(from), SqlLiteral.Date(to.AddMonths(1).AddDays(-1)));
        var only = stores is null ? string.Empty : " AND " + SqlLiteral.StoreIn(stores);
        return
        [
            stores is null ? MonthlyTurnover.Sql(from, to) : TurnoverMonths.Sql(from, to, stores),
            $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(sale_date)) AS Month, sum(if(method = 'cash', amount_ore, 0)) AS CashOre, sum(amount_ore) AS TotalOre
            FROM payments_daily FINAL WHERE sale_date BETWEEN {first} AND {last}{only}
            GROUP BY StoreId, Month
            """,
            $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(sale_date)) AS Month, toInt32(hour) AS Hour, sum(receipts) AS Receipts
            FROM receipts_hourly FINAL WHERE sale_date BETWEEN {first} AND {last}{only}
            GROUP BY StoreId, Month, Hour
            """,
            $"""
            SELECT store_id AS StoreId, toString(toStartOfMonth(delivery_date)) AS Month, locality AS Locality, count() AS Deliveries,
                   uniqExact(household_key) AS Households, sum(order_value_ore) AS OrderOre, sum(distance_m) AS DistanceM
            FROM home_deliveries FINAL WHERE delivery_date BETWEEN {first} AND {last}{only}
            GROUP BY StoreId, Month, Locality
            """,
            CashHandling.ServiceVolumes.Sql(from, to, only),
        ];
    }

    /// <summary>The months as they stand in ClickHouse, with <paramref name="plan"/>'s groups and only its stores.</summary>
    /// <param name="everyStore">Keep every store's rows, not only the plan's (a revision keeps each month's own).</param>
    /// <param name="parts">The inputs to read (the others left empty); the statements run side by side.</param>
    public async Task<Dictionary<DateOnly, PublishedMonth>> LiveAsync(
        DateOnly from, DateOnly to, DisclosurePlan plan, CancellationToken cancellationToken, bool everyStore = false, MonthParts parts = MonthParts.All)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var sql = LiveSql(from, to, everyStore ? null : Planned(plan));
        Task<IReadOnlyList<T>> Read<T>(MonthParts part, Func<Task<IReadOnlyList<T>>> read) => parts.HasFlag(part) ? read() : Task.FromResult<IReadOnlyList<T>>([]);
        var months = Read(MonthParts.Turnover, () => turnover.ReadAsync(from, to, cancellationToken));
        var cash = Read(MonthParts.Cash, () => storage.Database.QueryAsync<CashRow>(sql[1], cancellationToken));
        var hours = Read(MonthParts.Hours, () => storage.Database.QueryAsync<HourRow>(sql[2], cancellationToken));
        var deliveries = Read(MonthParts.Deliveries, () => storage.Database.QueryAsync<DeliveryRow>(sql[3], cancellationToken));
        var services = Read(MonthParts.Services, () => ServiceVolumes.ReadAsync(storage, sql[4], cancellationToken));
        await Task.WhenAll(months, cash, hours, deliveries, services).ConfigureAwait(false);
        return Live(from, to, plan, await months.ConfigureAwait(false), await cash.ConfigureAwait(false), await hours.ConfigureAwait(false),
            await deliveries.ConfigureAwait(false), await services.ConfigureAwait(false), everyStore);
    }

    /// <summary>The stores a plan publishes: its groups' and the consenting ones.</summary>
    private static HashSet<string> Planned(DisclosurePlan plan) =>
        plan.Groups.SelectMany(g => g.StoreIds).Concat(plan.Shared.Keys).ToHashSet(StringComparer.Ordinal);

    /// <summary>The months from what was read, each with <paramref name="plan"/>'s groups and only its stores' rows (every store's with <paramref name="everyStore"/>).</summary>
    private static Dictionary<DateOnly, PublishedMonth> Live(
        DateOnly from, DateOnly to, DisclosurePlan plan, IReadOnlyList<StoreMonth> months, IReadOnlyList<CashRow> cash, IReadOnlyList<HourRow> hours,
        IReadOnlyList<DeliveryRow> deliveries, IReadOnlyList<StoreServiceMonth> services, bool everyStore)
    {
        var planned = Planned(plan);
        bool Kept(string store) => everyStore || planned.Contains(store);
        static DateOnly M(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var result = new Dictionary<DateOnly, PublishedMonth>();
        foreach (var month in SalesIndexCalculator.MonthsBetween(from, to))
        {
            result[month] = new PublishedMonth(month, 0, plan.Groups, [.. plan.Shared.Values.OrderBy(s => s.StoreId, StringComparer.Ordinal)],
                [.. months.Where(m => m.Month == month && Kept(m.StoreId)).OrderBy(m => m.StoreId, StringComparer.Ordinal)],
                [.. cash.Where(c => M(c.Month) == month && Kept(c.StoreId)).OrderBy(c => c.StoreId, StringComparer.Ordinal).Select(c => new StoreCash(c.StoreId, c.CashOre, c.TotalOre))],
                [.. hours.Where(h => M(h.Month) == month && Kept(h.StoreId)).OrderBy(h => h.StoreId, StringComparer.Ordinal).ThenBy(h => h.Hour).Select(h => new StoreHour(h.StoreId, h.Hour, h.Receipts))],
                [.. deliveries.Where(d => M(d.Month) == month && Kept(d.StoreId)).OrderBy(d => d.StoreId, StringComparer.Ordinal).ThenBy(d => d.Locality, StringComparer.Ordinal)
                    .Select(d => new StoreDelivery(d.StoreId, d.Locality, d.Deliveries, d.Households, d.OrderOre, d.DistanceM))],
                [.. services.Where(v => v.Month == month && Kept(v.StoreId))]);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published month {Month} not revised: {Reason}")]
    private static partial void LogNotRevised(ILogger logger, DateOnly month, string reason);
}
