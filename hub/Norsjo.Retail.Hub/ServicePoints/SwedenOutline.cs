namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>
/// Sweden in WGS84 as a coarse outline (about 45 corners), drawn for this check from public-domain
/// facts (the land borders' end points Treriksröset 69.06 N 20.55 E, the Torne mouth at Haparanda,
/// Svinesund; the sea lines between Swedish and Danish, Finnish and Åland islands). It errs on
/// Sweden's side: a few kilometres of Norway and Finland along the land borders are inside, every
/// Swedish island is; Copenhagen, Bornholm, Åland, Vaasa, Oslo and Narvik — inside the box around
/// Sweden — are not. A typo check, not a border: a point outside is a mistake to be told of.
/// </summary>
public static class SwedenOutline
{
    /// <summary>The corners in order (latitude N, longitude E): the Finnish border south, the coasts, the Norwegian border north.</summary>
    private static readonly (double Lat, double Lon)[] Corners =
    [
        (69.10, 20.50), (68.45, 22.70), (67.90, 23.60), (67.20, 23.75), (66.50, 23.95), (65.85, 24.20), // Treriksröset, the Könkämä, Muonio and Torne rivers
        (65.55, 24.15), (64.60, 22.60), (63.65, 21.05), (63.05, 20.70), (62.00, 19.70), (60.75, 19.40), // the Bothnian Bay, Kvarken, the Bothnian Sea
        (60.25, 19.25), (59.60, 19.70), (58.60, 19.60), (57.60, 19.60), (56.80, 18.90), (56.00, 16.90), // west of Åland, Roslagen, Gotland, Öland
        (55.45, 14.50), (55.30, 14.20), (55.28, 13.30), (55.33, 12.78),                                 // north of Bornholm, the south coast, Falsterbo
        (55.62, 12.82), (55.90, 12.62), (56.03, 12.64), (56.30, 12.30),                                 // Öresund: Saltholm and Helsingør outside, Ven inside
        (57.00, 11.85), (57.60, 11.45), (58.30, 11.05), (58.85, 10.90), (59.05, 11.10),                 // Kattegat and Skagerrak (Anholt, Læsø outside), Koster
        (59.50, 11.60), (59.95, 12.05), (60.50, 12.30), (61.30, 12.10), (62.10, 11.90), (63.30, 11.80), // the Norwegian border, a little on Norway's side
        (64.10, 13.50), (65.00, 13.90), (65.80, 14.30), (66.60, 15.20), (67.20, 16.00), (67.90, 16.90),
        (68.35, 17.85), (68.55, 18.30),                                                                 // Riksgränsen inside, Narvik outside
    ];

    /// <summary>Whether the point is inside the outline (even-odd rule: a ray to the east crosses its edges an odd number of times).</summary>
    public static bool Contains(double latitude, double longitude)
    {
        var inside = false;
        for (int i = 0, j = Corners.Length - 1; i < Corners.Length; j = i++)
        {
            var (a, b) = (Corners[i], Corners[j]);
            if ((a.Lat > latitude) != (b.Lat > latitude)
                && longitude < a.Lon + ((latitude - a.Lat) / (b.Lat - a.Lat) * (b.Lon - a.Lon)))
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
