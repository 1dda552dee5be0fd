using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>
/// A place's entry as it is stored (JSON, one row per change). A shop's entry has the shop's store id
/// as its id and no name, village or hours of its own: those are the registry's, so a shop's opening
/// hours are kept in one place. Another provider (a filling station, a library) has all three here.
/// </summary>
public sealed record ServicePointEntry(
    string? Name,
    string? Village,
    IReadOnlyDictionary<string, string>? Hours,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> HomeDeliveryVillages,
    IReadOnlyList<string> Payments,
    string OtherServices,
    double Latitude,
    double Longitude);

/// <summary>A place as it holds now: its entry with the shop's registry facts filled in, and when it was last confirmed (by an edit or a "Stämmer fortfarande").</summary>
public sealed record ServicePoint(
    string Id,
    bool IsShop,
    string Name,
    string Village,
    OpeningHours Hours,
    ServicePointEntry Entry,
    DateTimeOffset ConfirmedAt,
    string ConfirmedBy)
{
    /// <summary>The villages where the place's services are to be had: its own, and for home delivery the villages it reaches.</summary>
    public IEnumerable<(string Village, string Service)> Offers()
    {
        foreach (var service in Entry.Services)
        {
            yield return (Village, service);
            if (service == ServiceCatalog.HomeDelivery)
            {
                foreach (var village in Entry.HomeDeliveryVillages.Where(v => !string.Equals(v, Village, StringComparison.OrdinalIgnoreCase)))
                {
                    yield return (village, service);
                }
            }
        }
    }
}

/// <summary>
/// How current an entry must be, in one place: a store owner is asked to confirm theirs every quarter,
/// and an entry not confirmed within <see cref="ConfirmEvery"/> is stale (the municipality sees it
/// first); a shop whose agent has been silent for <see cref="PossiblyClosedAfter"/> is "kanske stängt".
/// </summary>
public static class ServicePointFreshness
{
    public const int ConfirmEveryMonths = 3;

    public static readonly TimeSpan PossiblyClosedAfter = TimeSpan.FromDays(3);

    public static bool IsStale(DateTimeOffset confirmedAt, DateTimeOffset now) => confirmedAt.AddMonths(ConfirmEveryMonths) <= now;
}
