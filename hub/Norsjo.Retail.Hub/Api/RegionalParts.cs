using System.Collections.Concurrent;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.ServicePoints;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// Each municipality's part of the region's answer as last made, with everything it was made from,
/// so that the region's call makes again only the parts whose inputs changed (issue 20: 290
/// municipalities × 12 periods made afresh cost ~0.9 ms each, most of a 250 ms call, and the garbage
/// of it set the p95). A part is a pure function of: the range asked and the last settled month;
/// the municipality's registry (<see cref="RegistryFacts.Current"/>: a new object after any change
/// or on a new day, and every past day's registry with it); the consents (the hub's log, compared
/// whole once per call); the published version of every settled month it reads; the stored turnover
/// of its stores in the months not published (the running month, and settled months held back); the
/// prints of the held-back months' other parts (<see cref="MonthPrints"/>: payments, hours, deliveries,
/// service volumes — a held-back month is published once any of its cells can be shown,
/// <see cref="PublishedMonth.ShowsAnything"/>, so a month can become showable through them with its
/// turnover unchanged); and its service-point changes. It is reused only when every one of them is the
/// same (and made afresh when a held-back month was not in the region's read); otherwise it is made by
/// the same handlers as before, which publish what can now be published, as the municipality's own call does.
/// Not "never keep a part with held months": the rolling index reads 24 months, so every young
/// municipality has held (empty) months, and their prints are no rows at all.
/// </summary>
public sealed class RegionalParts
{
    private readonly ConcurrentDictionary<string, Entry> _parts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, ConsentEvent>? _consents;
    private long _consentGeneration;
    private long _made;

    /// <summary>What a part was made from (<see cref="Inputs"/>) and the part.</summary>
    private sealed record Entry(Inputs Inputs, RegionalMunicipality Part);

    /// <summary>Everything a municipality's part depends on, compared member by member (the registry by identity).</summary>
    internal sealed record Inputs(
        DateOnly From, DateOnly To, DateOnly LastSettled, DateOnly LiveFrom, StoreRegistry Registry, long Consents,
        IReadOnlyList<KeyValuePair<DateOnly, int>> Versions, IReadOnlyList<TurnoverMonths.Row> Live, IReadOnlyList<MonthPrints.Row> HeldPrints, IReadOnlyList<long> Places)
    {
        public bool SameAs(Inputs other) =>
            From == other.From && To == other.To && LastSettled == other.LastSettled && LiveFrom == other.LiveFrom
            && ReferenceEquals(Registry, other.Registry) && Consents == other.Consents
            && Versions.SequenceEqual(other.Versions) && Live.SequenceEqual(other.Live) && HeldPrints.SequenceEqual(other.HeldPrints) && Places.SequenceEqual(other.Places);
    }

    /// <summary>A number that changes whenever the hub's consents are not the same as at the last call (compared whole, once per call).</summary>
    internal long ConsentGeneration(IReadOnlyDictionary<string, ConsentEvent> consents)
    {
        ArgumentNullException.ThrowIfNull(consents);
        lock (_lock)
        {
            if (_consents is null || _consents.Count != consents.Count
                || consents.Any(c => !_consents.TryGetValue(c.Key, out var before) || before != c.Value))
            {
                _consents = consents;
                _consentGeneration++;
            }

            return _consentGeneration;
        }
    }

    /// <summary>The settled months the municipality's rolling index from <paramref name="firstEnd"/> reads that have not been published, in order.</summary>
    internal static IReadOnlyList<DateOnly> HeldMonths(MunicipalFigures figures, IReadOnlyDictionary<DateOnly, int>? versions, DateOnly firstEnd, DateOnly lastEnd)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var settled = figures.LastSettledMonth;
        var start = figures.RollingFrom(firstEnd);
        return start > settled ? [] : [.. SalesIndexCalculator.MonthsBetween(start, lastEnd < settled ? lastEnd : settled).Where(m => versions?.ContainsKey(m) != true)];
    }

    /// <summary>
    /// The inputs of one municipality's part, or null when its part must be made afresh: a settled
    /// month it reads is not published and the region's read did not cover it.
    /// </summary>
    internal static Inputs? InputsOf(
        MunicipalFigures figures, MonthlyTurnover turnover, StoreRegistry registry, string municipalityId,
        DateOnly from, DateOnly to, RegionalRead read, long consents, IEnumerable<ServicePointChange> places)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(turnover);
        ArgumentNullException.ThrowIfNull(read);
        var settled = figures.LastSettledMonth;
        var versions = read.Versions.GetValueOrDefault(municipalityId);
        var held = HeldMonths(figures, versions, from, to);
        if (held.Count > 0 && (read.HeldTurnover is null || read.HeldPrints is null || read.HeldFrom == default || read.HeldFrom > held[0]))
        {
            return null;
        }

        var start = figures.RollingFrom(from);
        var settledMonths = start <= settled ? SalesIndexCalculator.MonthsBetween(start, to < settled ? to : settled) : [];
        var stores = turnover.StoresOf(to);
        var heldSet = held.ToHashSet();
        bool Held(string month) => heldSet.Contains(DateOnly.ParseExact(month, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        return new Inputs(
            from, to, settled, read.LiveFrom, registry, consents,
            [.. settledMonths.Select(m => new KeyValuePair<DateOnly, int>(m, versions?.GetValueOrDefault(m) ?? 0))],
            [
                .. stores.SelectMany(id => read.LiveTurnover[id]),
                .. held.Count == 0 ? [] : stores.SelectMany(id => read.HeldTurnover![id]).Where(r => Held(r.Month)),
            ],
            held.Count == 0 ? [] : [.. stores.SelectMany(id => read.HeldPrints![id]).Where(r => Held(r.Month))],
            [.. places.Select(p => p.Id)]);
    }

    /// <summary>The part kept for the municipality if it was made from the same inputs, else null.</summary>
    internal RegionalMunicipality? Kept(string municipalityId, Inputs? inputs) =>
        inputs is not null && _parts.TryGetValue(municipalityId, out var kept) && kept.Inputs.SameAs(inputs) ? kept.Part : null;

    /// <summary>How many parts have been made afresh (not reused) since the hub started.</summary>
    public long Made => Interlocked.Read(ref _made);

    /// <summary>Keeps a part made afresh, with its inputs (none: not kept).</summary>
    internal void Keep(string municipalityId, Inputs? inputs, RegionalMunicipality part)
    {
        Interlocked.Increment(ref _made);
        if (inputs is null)
        {
            _parts.TryRemove(municipalityId, out _);
            return;
        }

        _parts[municipalityId] = new Entry(inputs, part);
    }
}
