namespace Norsjo.Retail.Agent.Upload;

/// <summary>
/// Exponential back-off with full jitter: after each failure the wait doubles up to a ceiling, and
/// a random share of it is used, so a hundred shops coming back online at once do not knock together.
/// </summary>
public sealed class RetryBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    private int _failures;

    public TimeSpan NextDelay()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        // Never less than half the ceiling, so a run of failures still backs off.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }

    public void Reset() => _failures = 0;
}
