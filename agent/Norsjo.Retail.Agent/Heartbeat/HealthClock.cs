namespace Norsjo.Retail.Agent.Heartbeat;

/// <summary>
/// The clock of the agent's health and connection log: the system's, or in a test one the test
/// moves (the heartbeat's timer and every recorded contact follow it). Apart from the agent's
/// <see cref="TimeProvider"/>, which the sources' settle times run on, so a test can move this one alone.
/// </summary>
public sealed class HealthClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    /// <summary>Swedish local time, in which the connection log's days begin and end (the agent runs in Sweden whatever its machine says).</summary>
    public static TimeZoneInfo Sweden { get; } = FindSweden();

    private static TimeZoneInfo FindSweden()
    {
        // The agent runs with invariant globalization: on Windows the IANA name may not be known, its Windows name is.
        foreach (var id in new[] { "Europe/Stockholm", "W. Europe Standard Time" })
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                return zone;
            }
        }

        return TimeZoneInfo.Local;
    }
}
