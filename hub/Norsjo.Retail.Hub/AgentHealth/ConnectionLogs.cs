using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.AgentHealth;

/// <summary>
/// One village's connection in one month, from its shops' agents: evidence for the service plan's
/// broadband and mobile-coverage work. Held back (figures null, <see cref="HeldBack"/> says why)
/// when it would show one or two shops' own figures without their consent.
/// </summary>
/// <param name="Shops">Shops whose agents sent at least one day of the month (always shown: which shops have an agent is no secret).</param>
/// <param name="ShopDays">Days sent, summed over the shops.</param>
/// <param name="OfflineMinutesPerDay">Minutes offline per shop and day, on average.</param>
/// <param name="OfflineShare">Of the minutes the agents watched, the share offline.</param>
/// <param name="LongestOutageMinutes">The longest single outage within a day, in any of the shops.</param>
/// <param name="RoundTripMedianMs">The middle of the days' median round trips.</param>
/// <param name="RoundTripP95Ms">The middle of the days' 95th-percentile round trips: how slow a slow call is on a typical day.</param>
public sealed record VillageConnectionMonth(
    string Village,
    string Month,
    int Shops,
    int ShopDays,
    bool Shown,
    string? HeldBack,
    double? OfflineMinutesPerDay,
    double? OfflineShare,
    int? LongestOutageMinutes,
    int? RoundTripMedianMs,
    int? RoundTripP95Ms);

/// <summary>
/// The agents' connection logs: each complete day once per store (operational table
/// connection_days; the first report of a day is kept, one sent again is acknowledged and changes
/// nothing), and the municipality's view per village and month.
/// <para>
/// Disclosure: connection figures are not a shop's business secret (they say nothing of its sales,
/// so the dominance and p % rules, which protect magnitudes a competitor could work back, do not
/// apply); but a village's figure made of one or two shops is those shops' own record — when their
/// till computer was on, how their line behaved. So the count rule applies as to every municipal
/// figure (<see cref="DisclosureOptions.MinimumStores"/>), with the same way out: a village-month
/// with fewer shops is shown when every one of them consented to share its figures for the whole of
/// that month, as its consent history (append-only) says, and still does (<see cref="SharedThroughout"/>).
/// No total over the villages is published, so no held village can be worked out by subtraction
/// (no secondary suppression is needed).
/// </para>
/// </summary>
public sealed partial class ConnectionLogs(
    OperationalStore store, RegistryFacts facts, IStoreConsents consents, IOptions<DisclosureOptions> disclosure, TimeProvider time, ILogger<ConnectionLogs> logger)
{
    /// <summary>A day has at most 25 hours (the night summer time ends).</summary>
    private const int MaxMinutes = 25 * 60;

    /// <summary>
    /// Stores the days that are sound and not stored before; answers every day the agent need not
    /// send again: stored now, stored before, or refused for good (logged here: a later day of the same agent would be refused the same way).
    /// </summary>
    public async Task<IReadOnlyList<LocalDate>> RecordAsync(string storeId, IEnumerable<ConnectionDay> days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(days);
        var today = Time.SwedishTime.Today(time);
        var opened = facts.Current.Find(storeId)?.Opened ?? DateOnly.MinValue;
        var handled = new List<LocalDate>();
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var day in days.Take(100))
        {
            var problem = Problem(day, today, opened, out var date);
            if (problem is not null && date >= today)
            {
                // The hub's clock may be a little behind the agent's just after midnight: sent again later, it is taken.
                continue;
            }

            if (problem is not null)
            {
                LogRefusedDay(logger, storeId, problem);
                if (day.Date is not null)
                {
                    handled.Add(day.Date);
                }

                continue;
            }

            await connection.ExecuteAsync("""
                INSERT INTO connection_days (store_id, day, observed_minutes, offline_minutes, longest_outage_minutes, outages, round_trips,
                    round_trip_median_ms, round_trip_p95_ms, received_unix_ms)
                VALUES (@StoreId, @Day, @Observed, @Offline, @Longest, @Outages, @RoundTrips, @Median, @P95, @Now)
                ON CONFLICT DO NOTHING
                """, new
            {
                StoreId = storeId,
                Day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Observed = day.ObservedMinutes,
                Offline = day.OfflineMinutes,
                Longest = day.LongestOutageMinutes,
                day.Outages,
                day.RoundTrips,
                Median = day.RoundTripMedianMs,
                P95 = day.RoundTripP95Ms,
                Now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }).ConfigureAwait(false);
            handled.Add(day.Date!);
        }

        return handled;
    }

    /// <summary>What is wrong with a day as sent, or null.</summary>
    private static string? Problem(ConnectionDay day, DateOnly today, DateOnly opened, out DateOnly date)
    {
        date = default;
        if (day.Date is null || !DateOnly.TryParseExact($"{day.Date.Year:D4}-{day.Date.Month:D2}-{day.Date.Day:D2}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return "date: not a calendar day";
        }

        if (date >= today)
        {
            return $"date: {date:yyyy-MM-dd} has not ended yet";
        }

        if (date < opened)
        {
            return $"date: {date:yyyy-MM-dd} is before the store opened";
        }

        if (day.ObservedMinutes is < 0 or > MaxMinutes || day.OfflineMinutes < 0 || day.OfflineMinutes > day.ObservedMinutes
            || day.LongestOutageMinutes < 0 || day.LongestOutageMinutes > day.OfflineMinutes || day.Outages < 0
            || day.RoundTrips < 0 || day.RoundTripMedianMs < 0 || day.RoundTripP95Ms < day.RoundTripMedianMs)
        {
            return "minutes or round trips out of range";
        }

        return null;
    }

    /// <summary>Per village (the registry's) and month in [from, to], as the municipality may see them.</summary>
    public async Task<IReadOnlyList<VillageConnectionMonth>> VillagesAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<DayRow>("""
            SELECT store_id AS StoreId, day AS Day, observed_minutes AS Observed, offline_minutes AS Offline, longest_outage_minutes AS Longest,
                round_trip_median_ms AS Median, round_trip_p95_ms AS P95, round_trips AS RoundTrips
            FROM connection_days WHERE day >= @from AND day < @to
            """, new { from = Iso(new DateOnly(from.Year, from.Month, 1)), to = Iso(new DateOnly(to.Year, to.Month, 1).AddMonths(1)) }).ConfigureAwait(false)).ToList();
        var histories = new Dictionary<string, IReadOnlyList<ConsentEvent>>(StringComparer.Ordinal);
        async Task<bool> AllSharedAsync(IEnumerable<string> shops, DateOnly month)
        {
            foreach (var shop in shops)
            {
                if (!histories.TryGetValue(shop, out var history))
                {
                    histories[shop] = history = await consents.HistoryAsync(shop, cancellationToken).ConfigureAwait(false);
                }

                if (!SharedThroughout(history, month))
                {
                    return false;
                }
            }

            return true;
        }

        var minimum = disclosure.Value.MinimumStores;
        var result = new List<VillageConnectionMonth>();
        var registry = facts.Current;
        foreach (var village in registry.Stores.Select(s => s.Village).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var ofVillage = rows.Where(r => registry.Find(r.StoreId)?.Village == village).ToList();
            for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
            {
                var key = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
                var days = ofVillage.Where(r => r.Day.StartsWith(key, StringComparison.Ordinal)).ToList();
                var shops = days.Select(d => d.StoreId).Distinct(StringComparer.Ordinal).ToList();
                if (shops.Count == 0)
                {
                    result.Add(new VillageConnectionMonth(village, key, 0, 0, false, "inga dagar rapporterade", null, null, null, null, null));
                    continue;
                }

                if (shops.Count < minimum && !await AllSharedAsync(shops, month).ConfigureAwait(false))
                {
                    result.Add(new VillageConnectionMonth(village, key, shops.Count, days.Count, false,
                        $"färre än {minimum} butiker mäter, och inte alla hade samtyckt till att visas under hela månaden", null, null, null, null, null));
                    continue;
                }

                var observed = days.Sum(d => (long)d.Observed);
                var measured = days.Where(d => d.RoundTrips > 0).ToList();
                result.Add(new VillageConnectionMonth(village, key, shops.Count, days.Count, true, null,
                    Math.Round(days.Sum(d => (double)d.Offline) / days.Count, 1),
                    observed == 0 ? null : Math.Round(days.Sum(d => (double)d.Offline) / observed, 4),
                    days.Max(d => (int)d.Longest),
                    measured.Count == 0 ? null : Middle(measured.Select(d => (int)d.Median)),
                    measured.Count == 0 ? null : Middle(measured.Select(d => (int)d.P95))));
            }
        }

        return result;
    }

    /// <summary>
    /// Did the shop's owner consent for the whole of the month (Swedish time) — the entry in force when
    /// it began was a consent, and none during it a revocation — and does the consent still hold? The
    /// days of a month before a consent were recorded without it; a revoked consent hides the shop's
    /// record at once, in every month, as with every municipal figure (Disclosure/MunicipalFigures.cs).
    /// </summary>
    /// <param name="history">The shop's consent entries, in any order.</param>
    internal static bool SharedThroughout(IReadOnlyList<ConsentEvent> history, DateOnly month)
    {
        var start = StartOf(new DateOnly(month.Year, month.Month, 1));
        var end = StartOf(new DateOnly(month.Year, month.Month, 1).AddMonths(1));
        var ordered = history.OrderBy(c => c.At).ToList();
        return ordered.LastOrDefault(c => c.At <= start) is { Given: true }
            && ordered.All(c => c.Given || c.At <= start || c.At >= end)
            && ordered.LastOrDefault() is { Given: true };
    }

    private static DateTimeOffset StartOf(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), Time.SwedishTime.Zone), TimeSpan.Zero);

    private static int Middle(IEnumerable<int> values)
    {
        var sorted = values.Order().ToList();
        return sorted[(sorted.Count - 1) / 2];
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class DayRow
    {
        public string StoreId { get; set; } = string.Empty;

        public string Day { get; set; } = string.Empty;

        public long Observed { get; set; }

        public long Offline { get; set; }

        public long Longest { get; set; }

        public long Median { get; set; }

        public long P95 { get; set; }

        public long RoundTrips { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A connection-log day from {StoreId}'s agent was refused: {Problem}")]
    private static partial void LogRefusedDay(ILogger logger, string storeId, string problem);
}
