namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// The hub's clock in a test: it says what the test set, and stands still, so "today", the running
/// month and the last complete month are the same on every run and every machine. Timers and
/// timestamps (Stopwatch) stay real.
/// </summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => Norsjo.Retail.Hub.Time.SwedishTime.Zone;
}
