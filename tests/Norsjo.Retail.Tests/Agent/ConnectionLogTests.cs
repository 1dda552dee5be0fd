using Microsoft.Extensions.Time.Testing;
using Norsjo.Retail.Agent.Heartbeat;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>The agent's connection log on a clock the test moves: minutes offline, the longest outage, round trips, whole days once.</summary>
public sealed class ConnectionLogTests
{
    private static readonly TimeSpan Gap = TimeSpan.FromMinutes(15);

    private static DateTimeOffset Swedish(int year, int month, int day, int hour, int minute) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, hour, minute, 0), HealthClock.Sweden), TimeSpan.Zero);

    /// <summary>Contacts every five minutes from one time up to (not including) another.</summary>
    private static void Every(FakeTimeProvider clock, ConnectionLog log, DateTimeOffset from, DateTimeOffset until, bool reached)
    {
        for (var at = from; at < until; at += TimeSpan.FromMinutes(5))
        {
            clock.SetUtcNow(at);
            log.Contact(reached);
        }
    }

    [Fact]
    public void A_day_counts_the_minutes_from_a_failed_call_to_the_next_that_reached_the_hub_and_leaves_out_the_hours_it_was_off()
    {
        using var folder = new TempFolder("connection-log");
        var clock = new FakeTimeProvider(Swedish(2026, 11, 10, 9, 0));
        var log = new ConnectionLog(folder.Path, Gap, new HealthClock(clock));

        Every(clock, log, Swedish(2026, 11, 10, 9, 0), Swedish(2026, 11, 10, 10, 0), reached: true);
        Every(clock, log, Swedish(2026, 11, 10, 10, 0), Swedish(2026, 11, 10, 11, 0), reached: false);   // one hour down
        Every(clock, log, Swedish(2026, 11, 10, 11, 0), Swedish(2026, 11, 10, 12, 5), reached: true);
        // 12:00–15:00 the till computer is off: no contacts, not counted either way.
        for (var i = 1; i <= 20; i++)
        {
            clock.SetUtcNow(Swedish(2026, 11, 10, 15, 0) + TimeSpan.FromMinutes(5 * (i - 1)));
            log.Contact(true, TimeSpan.FromMilliseconds(10 * i));
        }

        Every(clock, log, Swedish(2026, 11, 10, 16, 40), Swedish(2026, 11, 10, 23, 55), reached: true);
        Every(clock, log, Swedish(2026, 11, 10, 23, 55), Swedish(2026, 11, 11, 0, 15), reached: false);  // down over midnight
        Assert.Empty(log.CompleteDays()); // the day has ended, but nothing since has reached the hub: its last minutes are not known yet

        clock.SetUtcNow(Swedish(2026, 11, 11, 0, 15));
        log.Contact(true, TimeSpan.FromMilliseconds(300));

        var day = Assert.Single(log.CompleteDays());
        Assert.Equal(new LocalDate { Year = 2026, Month = 11, Day = 10 }, day.Date);
        Assert.Equal((3 * 60) + (9 * 60), day.ObservedMinutes);   // 09:00–12:00 and 15:00–24:00
        Assert.Equal(60 + 5, day.OfflineMinutes);                 // 10:00–11:00 and 23:55–24:00
        Assert.Equal(60, day.LongestOutageMinutes);
        Assert.Equal(2, day.Outages);
        Assert.Equal(20, day.RoundTrips);
        Assert.Equal(100, day.RoundTripMedianMs);                 // nearest rank: the 10th of 10, 20 … 200 ms
        Assert.Equal(190, day.RoundTripP95Ms);                    // the 19th

        log.Sent([day.Date]);
        Assert.Empty(log.CompleteDays());

        // Durable: a new agent process finds the same log, and sends the next day, not the one before.
        log.Dispose();
        var again = new ConnectionLog(folder.Path, Gap, new HealthClock(clock));
        Assert.Empty(again.CompleteDays());
        clock.SetUtcNow(Swedish(2026, 11, 12, 8, 0));
        again.Contact(true);
        var next = Assert.Single(again.CompleteDays());
        Assert.Equal(11, next.Date.Day);
        Assert.Equal(15, next.ObservedMinutes);                   // 00:00–00:15, then off until the 12th
        Assert.Equal(15, next.OfflineMinutes);
        Assert.Equal(1, next.RoundTrips);
        Assert.Equal(300, next.RoundTripMedianMs);
        again.Dispose();
    }

    [Fact]
    public void The_night_summer_time_ends_the_day_has_25_hours()
    {
        using var folder = new TempFolder("connection-log");
        var clock = new FakeTimeProvider(Swedish(2026, 10, 25, 0, 0));
        var log = new ConnectionLog(folder.Path, Gap, new HealthClock(clock));
        Every(clock, log, Swedish(2026, 10, 25, 0, 0), Swedish(2026, 10, 26, 0, 5), reached: true);

        var day = Assert.Single(log.CompleteDays());
        Assert.Equal(25 * 60, day.ObservedMinutes);
        Assert.Equal(0, day.OfflineMinutes);
        log.Dispose();
    }
}
