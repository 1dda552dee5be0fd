namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// How long to wait before starting a dead server again: <see cref="First"/>, doubling with each
/// death up to <see cref="Longest"/>, and back to <see cref="First"/> once the server had stayed
/// up for <see cref="Stable"/>. A server that dies at once on every start (a full disk, a broken
/// configuration) is then tried every half minute, not in a tight loop.
/// </summary>
public sealed class RestartBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Stable = TimeSpan.FromMinutes(1);

    private TimeSpan _next = First;

    /// <param name="upFor">How long the server ran before it died.</param>
    public TimeSpan Next(TimeSpan upFor)
    {
        if (upFor >= Stable)
        {
            _next = First;
        }

        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, Longest.Ticks));
        return delay;
    }
}
