using System.Diagnostics;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// Waits for an observable condition (a file moved, an outbox emptied), checking it often, and fails
/// with the description if it does not come true in time. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    public static async Task WaitUntilAsync(Func<bool> condition, string description, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Not true after {limit.TotalSeconds:0} s: {description}");
            }

            await Task.Delay(50);
        }
    }
}
