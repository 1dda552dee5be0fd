using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>Stores whose figures are only ever published together: a village, or the small villages merged.</summary>
public sealed record ProtectedGroup(string Label, IReadOnlyList<string> Villages, IReadOnlyList<string> StoreIds);

/// <summary>
/// Which stores are published together (secondary suppression by a fixed partition) and which
/// on their own (consent). The groups come from the registry alone — every store with an agent,
/// by village; villages of fewer than the minimum merged into "Övriga orter", and while that is
/// too small the smallest village joins it — never from the data, so every period and every
/// endpoint uses the same groups and no difference of two published figures cuts across one.
/// A consent takes effect when its group keeps at least the minimum of stores without consent;
/// otherwise it waits (else what was published for the group before, minus the consenting store,
/// would give away the others).
/// </summary>
public sealed class DisclosurePlan
{
    public const string MergedLabel = "Övriga orter";

    /// <summary>The label when every village is in the one group.</summary>
    public const string AllLabel = "Alla orter";

    private readonly Dictionary<string, ProtectedGroup> _groupOf = new(StringComparer.Ordinal);

    private DisclosurePlan(IReadOnlyList<ProtectedGroup> groups, IReadOnlyDictionary<string, ConsentEvent> shared, IReadOnlyDictionary<string, ConsentEvent> waiting)
    {
        Groups = groups;
        Shared = shared;
        Waiting = waiting;
        foreach (var group in groups)
        {
            foreach (var store in group.StoreIds)
            {
                _groupOf[store] = group;
            }
        }
    }

    /// <summary>The groups, each with only its stores that have not (effectively) consented.</summary>
    public IReadOnlyList<ProtectedGroup> Groups { get; }

    /// <summary>Stores whose owners share their figures, with the consent.</summary>
    public IReadOnlyDictionary<string, ConsentEvent> Shared { get; }

    /// <summary>Consents given but not in effect: the store's group would become too small.</summary>
    public IReadOnlyDictionary<string, ConsentEvent> Waiting { get; }

    public ProtectedGroup? GroupOf(string storeId) => _groupOf.GetValueOrDefault(storeId);

    /// <summary>A plan as it was published for a month (<see cref="PublishedMonth"/>): its groups and the consents then in force.</summary>
    public static DisclosurePlan Of(IReadOnlyList<ProtectedGroup> groups, IReadOnlyDictionary<string, ConsentEvent> shared) =>
        new(groups, shared, new Dictionary<string, ConsentEvent>(StringComparer.Ordinal));

    public static DisclosurePlan Build(StoreRegistry registry, IReadOnlyDictionary<string, ConsentEvent> consents, DisclosureOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(consents);
        ArgumentNullException.ThrowIfNull(options);
        var min = options.MinimumStores;
        var villages = registry.Stores.Where(s => s.Reports)
            .GroupBy(s => s.Village)
            .Select(g => (Villages: new List<string> { g.Key }, Stores: g.Select(s => s.Id).ToList()))
            .OrderBy(g => g.Villages[0], StringComparer.Ordinal)
            .ToList();
        var shown = villages.Where(v => v.Stores.Count >= min).ToList();
        var merged = villages.Where(v => v.Stores.Count < min).ToList();
        while (merged.Count > 0 && merged.Sum(m => m.Stores.Count) < min && shown.Count > 0)
        {
            var smallest = shown.OrderBy(v => v.Stores.Count).ThenBy(v => v.Villages[0], StringComparer.Ordinal).First();
            shown.Remove(smallest);
            merged.Add(smallest);
        }

        var groups = shown.Select(v => (Label: v.Villages[0], v.Villages, Stores: new List<string>(v.Stores))).ToList();
        if (merged.Count > 0)
        {
            groups.Add((shown.Count == 0 ? AllLabel : MergedLabel, merged.SelectMany(m => m.Villages).Order(StringComparer.Ordinal).ToList(), merged.SelectMany(m => m.Stores).ToList()));
        }

        // Consents in the order they were given; each takes effect only if its group stays big enough.
        var shared = new Dictionary<string, ConsentEvent>(StringComparer.Ordinal);
        var waiting = new Dictionary<string, ConsentEvent>(StringComparer.Ordinal);
        foreach (var consent in consents.Values.Where(c => c.Given).OrderBy(c => c.At).ThenBy(c => c.StoreId, StringComparer.Ordinal))
        {
            var group = groups.FirstOrDefault(g => g.Stores.Contains(consent.StoreId));
            if (group.Stores is null)
            {
                continue;
            }

            if (group.Stores.Count - 1 >= min)
            {
                group.Stores.Remove(consent.StoreId);
                shared[consent.StoreId] = consent;
            }
            else
            {
                waiting[consent.StoreId] = consent;
            }
        }

        return new DisclosurePlan(groups.Select(g => new ProtectedGroup(g.Label, g.Villages, g.Stores)).ToList(), shared, waiting);
    }
}
