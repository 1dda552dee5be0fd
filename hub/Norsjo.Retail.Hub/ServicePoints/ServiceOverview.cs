using System.Globalization;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>A day's opening hours as a person reads them ("Måndag", "08:00–20:00" or "stängt").</summary>
public sealed record DayHours(string Day, string Text);

/// <summary>A place on the public page: no one's name, only the place's facts.</summary>
public sealed record PublicPlace(
    string Id, string Name, string Village, bool IsShop, IReadOnlyList<string> Services, IReadOnlyList<string> HomeDeliveryVillages,
    IReadOnlyList<string> Payments, string OtherServices, IReadOnlyList<DayHours> Hours, bool OpenNow, string OpenText,
    bool PossiblyClosed, string LastConfirmed, double Latitude, double Longitude);

/// <summary>Where the nearest place with a service is from a village (0 km: in the village, or home delivery reaches it).</summary>
public sealed record NearestService(string Service, string PlaceId, string PlaceName, string Village, decimal Km, bool PossiblyClosed);

public sealed record PublicVillage(string Name, IReadOnlyList<string> PlaceIds, IReadOnlyList<NearestService> Nearest);

/// <summary>The map's tile server, when the municipality has configured one (ServicePoints:TileUrl); without it the page draws no map and asks nothing of anyone else.</summary>
public sealed record MapSettings(string TileUrl, string Attribution);

/// <summary>The public page's whole answer: per village what is there, whether open now, the nearest of each service and how to pay.</summary>
public sealed record PublicServiceOverview(
    string Municipality, string Now, IReadOnlyList<ServiceKind> Services, IReadOnlyList<ServiceKind> Payments,
    IReadOnlyList<PublicPlace> Places, IReadOnlyList<PublicVillage> Villages, MapSettings? Map);

/// <summary>
/// What the public page shows, computed from the places as they hold, the distances table and
/// Norsjö's clock: open now by each place's opening hours in Swedish time, the nearest place of each
/// service from every village by the shortest way through the table's distances.
/// </summary>
public static class ServiceOverview
{
    private static readonly DayOfWeek[] Week = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    public static PublicServiceOverview Build(
        string municipality, IReadOnlyList<ServicePoint> points, IReadOnlyList<VillageDistance> distances, IReadOnlySet<string> possiblyClosed,
        DateTimeOffset now, MapSettings? map)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(possiblyClosed);
        var local = Time.SwedishTime.Local(now);
        var places = points.Select(p => Place(p, local, possiblyClosed.Contains(p.Id))).ToList();
        var villages = points.Select(p => p.Village)
            .Concat(points.SelectMany(p => p.Entry.HomeDeliveryVillages))
            .Concat(distances.SelectMany(d => new[] { d.From, d.To }))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Create(Swedish, true))
            .ToList();
        var km = Shortest(villages, distances);
        var result = villages.Select(v => new PublicVillage(
            v,
            [.. points.Where(p => string.Equals(p.Village, v, StringComparison.OrdinalIgnoreCase)).Select(p => p.Id)],
            [.. ServiceCatalog.Services.Select(s => Nearest(v, s.Code, points, km, possiblyClosed)).OfType<NearestService>()])).ToList();
        return new PublicServiceOverview(municipality, Time.SwedishTime.Text(now), ServiceCatalog.Services, ServiceCatalog.Payments, places, result, map);
    }

    /// <summary>Each day Monday to Sunday as a person reads it.</summary>
    public static IReadOnlyList<DayHours> Days(OpeningHours hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        return [.. Week.Select(d => new DayHours(Swedish.TextInfo.ToTitleCase(Swedish.DateTimeFormat.GetDayName(d)), DayText(hours, d)))];
    }

    /// <summary>"öppet till 18:00", "öppnar 10:00", "stängt i dag".</summary>
    public static string OpenText(OpeningHours hours, DateTimeOffset local)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var today = hours.Days.GetValueOrDefault(local.DayOfWeek) ?? [];
        if (today.Where(i => time >= i.Open && time < i.Close).Select(i => (TimeOnly?)i.Close).FirstOrDefault() is { } close)
        {
            return close == TimeOnly.MaxValue ? "öppet dygnet runt" : $"öppet till {Clock(close)}";
        }

        return today.Where(i => i.Open > time).OrderBy(i => i.Open).Select(i => $"stängt, öppnar {Clock(i.Open)}").FirstOrDefault() ?? "stängt resten av dagen";
    }

    private static PublicPlace Place(ServicePoint p, DateTimeOffset local, bool possiblyClosed) => new(
        p.Id, p.Name, p.Village, p.IsShop, p.Entry.Services, p.Entry.HomeDeliveryVillages, p.Entry.Payments, p.Entry.OtherServices,
        Days(p.Hours), p.Hours.IsOpen(local.DayOfWeek, TimeOnly.FromDateTime(local.DateTime)), OpenText(p.Hours, local), possiblyClosed,
        Time.SwedishTime.Local(p.ConfirmedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Entry.Latitude, p.Entry.Longitude);

    private static NearestService? Nearest(string village, string service, IReadOnlyList<ServicePoint> points, Dictionary<(string, string), decimal> km, IReadOnlySet<string> possiblyClosed)
    {
        // A place that may have closed is taken only when nothing else offers the service.
        return points
            .SelectMany(p => p.Offers().Where(o => o.Service == service).Select(o => (Point: p, o.Village)))
            .Select(x => (x.Point, Km: km.TryGetValue((Key(village), Key(x.Village)), out var d) ? d : (decimal?)null))
            .Where(x => x.Km is not null)
            .OrderBy(x => possiblyClosed.Contains(x.Point.Id)).ThenBy(x => x.Km).ThenBy(x => x.Point.Name, StringComparer.Ordinal)
            .Select(x => new NearestService(service, x.Point.Id, x.Point.Name, x.Point.Village, x.Km!.Value, possiblyClosed.Contains(x.Point.Id)))
            .FirstOrDefault();
    }

    /// <summary>Shortest road distances between every two villages through the table (Floyd–Warshall; a kommun has a few dozen villages).</summary>
    private static Dictionary<(string, string), decimal> Shortest(IReadOnlyList<string> villages, IReadOnlyList<VillageDistance> distances)
    {
        var km = new Dictionary<(string, string), decimal>();
        foreach (var v in villages)
        {
            km[(Key(v), Key(v))] = 0;
        }

        foreach (var d in distances)
        {
            var (a, b) = (Key(d.From), Key(d.To));
            if (!km.TryGetValue((a, b), out var known) || d.Km < known)
            {
                km[(a, b)] = d.Km;
                km[(b, a)] = d.Km;
            }
        }

        var keys = villages.Select(Key).ToList();
        foreach (var via in keys)
        {
            foreach (var from in keys)
            {
                if (!km.TryGetValue((from, via), out var first))
                {
                    continue;
                }

                foreach (var to in keys)
                {
                    if (km.TryGetValue((via, to), out var second) && (!km.TryGetValue((from, to), out var direct) || first + second < direct))
                    {
                        km[(from, to)] = first + second;
                    }
                }
            }
        }

        return km;
    }

    private static string Key(string village) => village.Trim().ToUpperInvariant();

    private static string DayText(OpeningHours hours, DayOfWeek day) =>
        hours.Days.TryGetValue(day, out var intervals) && intervals.Count > 0
            ? string.Join(", ", intervals.Select(i => i.Close == TimeOnly.MaxValue && i.Open == TimeOnly.MinValue ? "dygnet runt" : $"{Clock(i.Open)}–{Clock(i.Close)}"))
            : "stängt";

    private static string Clock(TimeOnly time) => time == TimeOnly.MaxValue ? "24:00" : time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
