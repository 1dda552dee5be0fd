using Norsjo.Retail.Agent.Hosting;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>When the agent gives back a busy spell's memory (Hosting/IdleMemory.cs): once per spell, at the first quiet reading, never while it works.</summary>
public sealed class BusySpellTests
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;

    [Fact]
    public void Start_up_is_given_back_at_the_first_quiet_reading_and_idle_polls_never_again()
    {
        var spell = new BusySpell();
        // Start-up allocated 12 MB, then the agent polls and beats its heart: a few kB a reading.
        long[] readings = [12 * MiB, 13 * MiB, 13 * MiB + (10 * KiB), 13 * MiB + (20 * KiB)];
        var collected = readings.Select(spell.EndedAt).ToList();
        Assert.Equal([false, false, true, false], collected);

        // An hour of idle readings, 8 kB each: a collection only each time 4 MB more have gone (every
        // 17 minutes), not at every quiet reading.
        var idle = Enumerable.Range(1, 1_800).Select(i => spell.EndedAt((13 * MiB) + (20 * KiB) + (i * 8 * KiB))).Count(c => c);
        Assert.Equal(3, idle);
    }

    [Fact]
    public void A_spell_of_work_is_never_interrupted_and_is_given_back_once_when_it_ends()
    {
        var spell = new BusySpell();
        Assert.False(spell.EndedAt(0));
        // An export taken and sent: 2 MB a reading for a minute.
        var working = Enumerable.Range(1, 30).Select(i => spell.EndedAt(i * 2 * MiB)).ToList();
        Assert.DoesNotContain(true, working);
        Assert.True(spell.EndedAt((60 * MiB) + (100 * KiB)));
        Assert.False(spell.EndedAt((60 * MiB) + (200 * KiB)));
        // Less than the busy threshold since the last collection: not worth a collection.
        Assert.False(spell.EndedAt(62 * MiB));
        Assert.False(spell.EndedAt((62 * MiB) + KiB));
    }
}
