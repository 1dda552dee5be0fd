namespace Norsjo.Retail.Hub.AgentHealth;

/// <summary>
/// What the silence check makes of a store's agent (Operations/SilentAgents.cs), in one place: the
/// API's codes and the Swedish words the pages show. "Heard from" means a batch arrived, or a
/// health report (with a batch or the heartbeat), within Jobs:SilentAfter (2 hours).
/// </summary>
public static class AgentStates
{
    /// <summary>Heard from, and nothing it said shows it stuck: "sänder".</summary>
    public const string Sends = "sends";

    /// <summary>
    /// Heard from — so alive and able to reach the hub — but its outbox holds items and the oldest
    /// has waited longer than SilentAfter: its batches do not get through (refused as too large,
    /// the hub cannot store, …). Only an agent that reports its health can be seen so: "kan inte skicka".
    /// </summary>
    public const string CannotUpload = "cannotUpload";

    /// <summary>Not heard from while the store is open: off, or cut off — it cannot say which: "tyst".</summary>
    public const string Silent = "silent";

    /// <summary>Not heard from, but the store is closed now (its till computer may well be off): "stängt".</summary>
    public const string Closed = "closed";

    public static string Swedish(string state) => state switch
    {
        Sends => "sänder",
        CannotUpload => "kan inte skicka",
        Silent => "tyst",
        Closed => "stängt",
        _ => state,
    };

    /// <param name="heard">A batch or a health report arrived within <paramref name="silentAfter"/>.</param>
    /// <param name="health">The agent's latest health report; null from an agent that sends none.</param>
    public static string Decide(bool open, bool heard, AgentHealthView? health, DateTimeOffset now, TimeSpan silentAfter)
    {
        // The oldest item has aged since the report said how old it was.
        if (heard && health is { QueueItems: > 0 } h && h.OldestItemAgeSeconds + (now - h.Received).TotalSeconds > silentAfter.TotalSeconds)
        {
            return CannotUpload;
        }

        return heard ? Sends : open ? Silent : Closed;
    }
}
