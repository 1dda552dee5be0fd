using System.Globalization;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>A village gained or lost a service on a day (Swedish date), through a place.</summary>
/// <param name="Change">"gained" or "lost".</param>
public sealed record ServiceWatchEvent(string Date, string Village, string Service, string ServiceName, string Change, string Place);

public sealed record VillageTimeline(string Village, IReadOnlyList<ServiceWatchEvent> Events);

/// <summary>
/// Service watch: a village gains a service the day the first place there starts offering it (or,
/// for home delivery, starts reaching it), and loses it the day the last one stops. Derived from the
/// change history alone, so it needs no bookkeeping of its own and is the same on every hub. The seed
/// file's rows are the starting inventory, not a change. A shop's village is the registry's as it
/// held on the day of the change.
/// </summary>
public static class ServiceWatch
{
    public const string Gained = "gained";
    public const string Lost = "lost";

    public static IReadOnlyList<VillageTimeline> Timelines(IReadOnlyList<ServicePointChange> history, RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(facts);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var offered = new Dictionary<string, HashSet<(string Village, string Service)>>(StringComparer.Ordinal);
        var counts = new Dictionary<(string, string), int>();
        var events = new List<ServiceWatchEvent>();
        foreach (var change in history)
        {
            if (change.Action == ServicePointStore.Confirm)
            {
                continue;
            }

            var day = DateOnly.FromDateTime(Time.SwedishTime.Local(change.ChangedAt).DateTime);
            var registry = facts.AsOf(day);
            ServicePoint? point = null;
            if (change.Action == ServicePointStore.Set && change.Entry is not null)
            {
                point = ServicePointStore.Point(change.PointId, change.Entry, change.ChangedAt, change.ChangedBy, registry);
            }

            var before = offered.GetValueOrDefault(change.PointId) ?? [];
            HashSet<(string Village, string Service)> after = point is null ? [] : point.Offers().Select(o => (o.Village.Trim(), o.Service)).ToHashSet();
            // A removed place is named as it was last known.
            var name = point?.Name ?? names.GetValueOrDefault(change.PointId) ?? registry.Find(change.PointId)?.Name ?? change.PointId;
            names[change.PointId] = name;
            var seeded = change.ChangedBy == ServicePointStore.SeededBy;
            foreach (var lost in before.Except(after))
            {
                counts[lost] -= 1;
                if (counts[lost] == 0 && !seeded)
                {
                    events.Add(Event(day, lost, Lost, name));
                }
            }

            foreach (var gained in after.Except(before))
            {
                counts[gained] = counts.GetValueOrDefault(gained) + 1;
                if (counts[gained] == 1 && !seeded)
                {
                    events.Add(Event(day, gained, Gained, name));
                }
            }

            offered[change.PointId] = after;
        }

        return [.. events.GroupBy(e => e.Village, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.Create(CultureInfo.GetCultureInfo("sv-SE"), true))
            .Select(g => new VillageTimeline(g.First().Village, [.. g.OrderByDescending(e => e.Date, StringComparer.Ordinal)]))];
    }

    private static ServiceWatchEvent Event(DateOnly day, (string Village, string Service) what, string change, string place) =>
        new(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), what.Village, what.Service, ServiceCatalog.ServiceName(what.Service), change, place);
}
