using System.Globalization;
using System.Text.RegularExpressions;
using Norsjo.Retail.Hub.ServicePoints;
using Norsjo.Retail.Tests.Dashboards;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The outline a place's coordinates are checked against (issue 19): Swedish places at its edges
/// are in, the neighbours' places inside the box around Sweden are out, and every place of the
/// seed file is in.
/// </summary>
public sealed partial class SwedenOutlineTests
{
    [Theory]
    [InlineData(64.911, 19.482)] // Norsjö
    [InlineData(55.336, 13.359)] // Smygehuk
    [InlineData(55.380, 12.816)] // Falsterbo
    [InlineData(55.605, 13.000)] // Malmö
    [InlineData(55.907, 12.690)] // Ven
    [InlineData(56.044, 12.694)] // Helsingborg
    [InlineData(57.633, 11.600)] // Vinga
    [InlineData(58.938, 11.172)] // Strömstad
    [InlineData(59.884, 12.293)] // Charlottenberg
    [InlineData(63.318, 12.100)] // Storlien
    [InlineData(64.503, 14.146)] // Gäddede
    [InlineData(68.428, 18.124)] // Riksgränsen
    [InlineData(68.443, 22.483)] // Karesuando
    [InlineData(65.836, 24.137)] // Haparanda
    [InlineData(63.803, 20.870)] // Holmön
    [InlineData(59.750, 19.410)] // Söderarm
    [InlineData(58.395, 19.200)] // Gotska Sandön
    [InlineData(56.918, 18.120)] // Hoburgen, Gotland
    [InlineData(56.197, 16.399)] // Ottenby, Öland
    [InlineData(67.855, 20.225)] // Kiruna
    public void A_swedish_place_is_inside(double latitude, double longitude) =>
        Assert.True(SwedenOutline.Contains(latitude, longitude));

    [Theory]
    [InlineData(55.676, 12.568)] // Köpenhamn
    [InlineData(55.640, 12.770)] // Saltholm
    [InlineData(56.033, 12.613)] // Helsingør
    [InlineData(55.100, 14.700)] // Rønne, Bornholm
    [InlineData(57.250, 11.000)] // Læsø
    [InlineData(57.720, 10.590)] // Skagen
    [InlineData(59.913, 10.752)] // Oslo
    [InlineData(68.438, 17.427)] // Narvik
    [InlineData(65.600, 13.990)] // Hattfjelldal
    [InlineData(60.097, 19.935)] // Mariehamn
    [InlineData(63.096, 21.616)] // Vasa
    [InlineData(65.000, 24.000)] // the Bothnian Bay off Raahe, Finland's side
    public void A_neighbour_s_place_inside_the_box_is_outside(double latitude, double longitude)
    {
        Assert.InRange(latitude, ServicePointRules.Sweden.South, ServicePointRules.Sweden.North);
        Assert.InRange(longitude, ServicePointRules.Sweden.West, ServicePointRules.Sweden.East);
        Assert.False(SwedenOutline.Contains(latitude, longitude));
    }

    [Fact]
    public void Every_place_of_the_seed_file_is_inside()
    {
        var yaml = File.ReadAllText(Path.Combine(DemoHubFixture.RepositoryRoot, "hub", "Norsjo.Retail.Hub", "service-points.yaml"));
        var points = Coordinates().Matches(yaml).Select(m => (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.NotEmpty(points);
        Assert.All(points, p => Assert.True(SwedenOutline.Contains(p.Item1, p.Item2), $"{p.Item1} N {p.Item2} E"));
    }

    [GeneratedRegex("latitude: \"([0-9.]+)\"\\s+longitude: \"([0-9.]+)\"")]
    private static partial Regex Coordinates();
}
