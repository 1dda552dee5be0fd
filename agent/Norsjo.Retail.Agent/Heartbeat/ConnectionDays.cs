using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Heartbeat;

/// <summary>A stretch of time the agent watched the hub: offline or not, from one contact to the next.</summary>
public readonly record struct WatchedSpan(long StartMs, long EndMs, bool Offline);

/// <summary>
/// One day's figures from the connection log. A stretch between two contacts counts as watched
/// when they are at most the log's gap apart (else the agent was off or its machine asleep: not
/// watched, neither online nor offline); it is offline when the first of the two did not reach the
/// hub — offline lasts from a failed attempt to the next attempt that reached it. Stretches are cut
/// at the day's bounds (midnight, Swedish time, summer time included: a day may have 23 or 25 hours).
/// </summary>
public static class ConnectionDays
{
    public static (long StartMs, long EndMs) Bounds(DateOnly day)
    {
        var zone = HealthClock.Sweden;
        static long Ms(DateOnly d, TimeZoneInfo z) =>
            new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(d.ToDateTime(TimeOnly.MinValue), z), TimeSpan.Zero).ToUnixTimeMilliseconds();
        return (Ms(day, zone), Ms(day.AddDays(1), zone));
    }

    public static DateOnly DayOf(long unixMs) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), HealthClock.Sweden).DateTime);

    public static ConnectionDay Summarise(DateOnly day, IEnumerable<WatchedSpan> spans, IEnumerable<int> roundTripsMs)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ArgumentNullException.ThrowIfNull(roundTripsMs);
        var (start, end) = Bounds(day);
        long watched = 0, offline = 0, longest = 0, current = 0, lastOfflineEnd = long.MinValue;
        var outages = 0;
        foreach (var span in spans.OrderBy(s => s.StartMs))
        {
            var from = Math.Max(span.StartMs, start);
            var to = Math.Min(span.EndMs, end);
            if (to <= from)
            {
                continue;
            }

            watched += to - from;
            if (!span.Offline)
            {
                continue;
            }

            offline += to - from;
            // Offline stretches that touch are one outage (the log keeps them apart only where a write was skipped).
            current = from == lastOfflineEnd ? current + (to - from) : to - from;
            if (from != lastOfflineEnd)
            {
                outages++;
            }

            longest = Math.Max(longest, current);
            lastOfflineEnd = to;
        }

        var times = roundTripsMs.Order().ToList();
        return new ConnectionDay
        {
            Date = new LocalDate { Year = day.Year, Month = day.Month, Day = day.Day },
            ObservedMinutes = Minutes(watched),
            OfflineMinutes = Minutes(offline),
            LongestOutageMinutes = Minutes(longest),
            Outages = outages,
            RoundTrips = times.Count,
            RoundTripMedianMs = Rank(times, 0.5),
            RoundTripP95Ms = Rank(times, 0.95),
        };
    }

    private static int Minutes(long ms) => (int)Math.Round(ms / 60_000.0, MidpointRounding.AwayFromZero);

    /// <summary>Nearest rank: the smallest time that at least this share of the calls took; 0 without calls.</summary>
    private static int Rank(List<int> sorted, double share) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];
}
