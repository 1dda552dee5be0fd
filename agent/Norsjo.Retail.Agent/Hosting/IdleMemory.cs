namespace Norsjo.Retail.Agent.Hosting;

/// <summary>
/// Gives back what a busy spell (start-up, an export taken, a queue sent) left on the GC heap once
/// the agent has gone quiet: the workstation GC keeps the pages it grew into committed, so an agent
/// that has long been idle beside the till would otherwise still hold its busiest moment's memory
/// (agent/README.md, "Memory"). One aggressive collection per spell, never while it is working, and
/// the pages of code the spell ran given back to the kernel.
/// </summary>
internal sealed class IdleMemory(TimeProvider clock) : BackgroundService
{
    /// <summary>How often the agent looks at what it has allocated.</summary>
    internal static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var spell = new BusySpell();
        using var timer = new PeriodicTimer(Every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (spell.EndedAt(GC.GetTotalAllocatedBytes()))
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                ResidentPages.GiveBackFilePages();
            }
        }
    }
}

/// <summary>When a busy spell has ended, told from the bytes the process has allocated so far, read every <see cref="IdleMemory.Every"/>.</summary>
internal sealed class BusySpell
{
    /// <summary>Less than this allocated between two readings is quiet: an idle agent's polls and heartbeat allocate a few kB.</summary>
    internal const long QuietBytes = 256 * 1024;

    /// <summary>At least this allocated since the last collection made a spell worth giving back.</summary>
    internal const long BusyBytes = 4 * 1024 * 1024;

    private long _lastReading = -1;
    private long _atLastCollection;

    /// <summary>True once per spell: at the first quiet reading after at least <see cref="BusyBytes"/> allocated (start-up counts as a spell).</summary>
    public bool EndedAt(long allocatedBytes)
    {
        var quiet = _lastReading >= 0 && allocatedBytes - _lastReading < QuietBytes;
        _lastReading = allocatedBytes;
        if (!quiet || allocatedBytes - _atLastCollection < BusyBytes)
        {
            return false;
        }

        _atLastCollection = allocatedBytes;
        return true;
    }
}
