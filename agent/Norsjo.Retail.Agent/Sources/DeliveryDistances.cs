using System.Globalization;

namespace Norsjo.Retail.Agent.Sources;

/// <summary>
/// Road distance from the store to each locality it delivers to (Agent:Localities, metres), for
/// deliveries whose export gives a locality but no distance.
/// </summary>
public sealed class DeliveryDistances(IReadOnlyDictionary<string, int> localities)
{
    public static DeliveryDistances None { get; } = new(new Dictionary<string, int>());

    /// <summary>A delivery from what the export gives: a distance in km (which wins) or a known locality.</summary>
    public PosDelivery Resolve(string household, string locality, string distanceKm, string registered = "")
    {
        ArgumentNullException.ThrowIfNull(household);
        ArgumentNullException.ThrowIfNull(locality);
        ArgumentNullException.ThrowIfNull(distanceKm);
        if (household.Trim().Length == 0)
        {
            throw new FormatException("household saknas för hemleveransen (kundnummer, namn eller adress; skickas aldrig, bara som nyckel).");
        }

        int metres;
        if (distanceKm.Trim().Length > 0)
        {
            var tenths = SwedishValues.ParseMilli(distanceKm, "distance_km");
            metres = (int)Math.Clamp(tenths, 0, 1_000_000);
        }
        else
        {
            var known = localities.FirstOrDefault(l => string.Equals(l.Key, locality.Trim(), StringComparison.OrdinalIgnoreCase));
            if (known.Key is null)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"Avståndet till \"{locality}\" är okänt: ange distance_km eller lägg orten i Agent:Localities."));
            }

            metres = known.Value;
        }

        var entitled = (registered ?? string.Empty).Trim().ToLowerInvariant() switch
        {
            "" or "nej" or "no" or "false" or "0" => false,
            "ja" or "yes" or "true" or "1" => true,
            _ => throw new FormatException($"registered \"{registered}\" ska vara ja eller nej."),
        };
        return new PosDelivery(household.Trim(), locality.Trim(), metres) { Registered = entitled };
    }
}
