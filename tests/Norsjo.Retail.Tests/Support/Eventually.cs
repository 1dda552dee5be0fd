using System.Diagnostics;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// Waits for an observable condition (a file moved, an outbox emptied), checking it often, and fails
/// with the description if it does not come true in time. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    public static Task WaitUntilAsync(Func<bool> condition, string description, TimeSpan? timeout = null) =>
        WaitUntilAsync(condition, description, () => string.Empty, timeout);

    /// <param name="details">What to add to the failure: the state that did not come true.</param>
    public static async Task WaitUntilAsync(Func<bool> condition, string description, Func<string> details, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Not true after {limit.TotalSeconds:0} s: {description}. {details()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The same for a condition that has to ask something (a server) to know.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string description, Func<Task<string>> details, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(details);
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Not true after {limit.TotalSeconds:0} s: {description}. {await details()}");
            }

            await Task.Delay(100);
        }
    }
}
