using System.Globalization;
using Norsjo.Retail.Hub.Registry;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>The seed file (ServicePoints:SeedFile, service-points.yaml) as read and checked at start: what a new deployment begins with.</summary>
public sealed record ServicePointSeed(string Path, IReadOnlyList<(string Id, ServicePointEntry Entry)> Points, IReadOnlyList<VillageDistance> Distances)
{
    public static ServicePointSeed None(string path) => new(path, [], []);

    /// <summary>
    /// Reads the file and checks every place by <see cref="ServicePointRules"/> and every distance by
    /// <see cref="DistanceRules"/> against the registry file, as a page's edit is checked; a hub with a
    /// broken seed file does not start (every problem listed). No file: nothing to seed.
    /// </summary>
    public static ServicePointSeed Load(string path, StoreRegistry registry)
    {
        if (!File.Exists(path))
        {
            return None(path);
        }

        SeedFile file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
                .Deserialize<SeedFile?>(File.ReadAllText(path)) ?? new SeedFile();
        }
        catch (YamlException e)
        {
            throw new InvalidOperationException($"{path}: rad {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }

        var problems = new List<string>();
        var points = new List<(string, ServicePointEntry)>();
        for (var i = 0; i < file.Points.Count; i++)
        {
            var p = file.Points[i];
            var entry = ServicePointRules.Check(p.Id ?? string.Empty, new ServicePointEdit(p.Name, p.Village, p.Hours, p.Services, p.HomeDeliveryVillages, p.Payments, p.Other,
                p.Latitude, p.Longitude), registry, out var found);
            problems.AddRange(found.SelectMany(f => f.Value.Select(m => $"points[{i}] ({p.Id}).{f.Key}: {m}")));
            points.Add((p.Id ?? string.Empty, entry));
        }

        var distances = DistanceRules.Check(
            [.. file.DistancesKm.Select(d => new DistanceEdit(d.ElementAtOrDefault(0), d.ElementAtOrDefault(1), d.ElementAtOrDefault(2)))], out var distanceProblems);
        problems.AddRange(distanceProblems.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}")));
        if (points.Select(p => p.Item1).Distinct(StringComparer.Ordinal).Count() != points.Count)
        {
            problems.Add("points: ett id finns två gånger");
        }

        return problems.Count > 0
            ? throw new InvalidOperationException($"{path} has {problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems)}")
            : new ServicePointSeed(path, points, distances);
    }

    private sealed class SeedFile
    {
        public List<List<string>> DistancesKm { get; set; } = [];

        public List<SeedPoint> Points { get; set; } = [];
    }

    private sealed class SeedPoint
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public string? Village { get; set; }

        public Dictionary<string, string>? Hours { get; set; }

        public List<string>? Services { get; set; }

        public List<string>? HomeDeliveryVillages { get; set; }

        public List<string>? Payments { get; set; }

        public string? Other { get; set; }

        public string? Latitude { get; set; }

        public string? Longitude { get; set; }
    }
}

/// <summary>A distance as typed: villages and road km (decimal comma or point).</summary>
public sealed record DistanceEdit(string? From, string? To, string? Km);

/// <summary>The checks of the distances table, per row ("distances[2].km").</summary>
public static class DistanceRules
{
    public const decimal MaxKm = 500;

    public static IReadOnlyList<VillageDistance> Check(IReadOnlyList<DistanceEdit> rows, out Dictionary<string, string[]> problems)
    {
        ArgumentNullException.ThrowIfNull(rows);
        problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var result = new List<VillageDistance>();
        var pairs = new HashSet<(string, string)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var at = $"distances[{i}]";
            var from = rows[i].From?.Trim() ?? string.Empty;
            var to = rows[i].To?.Trim() ?? string.Empty;
            var kmText = rows[i].Km?.Trim() ?? string.Empty;
            if (from.Length == 0)
            {
                ServicePointRules.Add(problems, at + ".from", "Ange en by.");
            }

            if (to.Length == 0)
            {
                ServicePointRules.Add(problems, at + ".to", "Ange en by.");
            }
            else if (string.Equals(from, to, StringComparison.OrdinalIgnoreCase))
            {
                ServicePointRules.Add(problems, at + ".to", "Avståndet gäller två olika byar.");
            }

            if (!decimal.TryParse(kmText.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var km) || km <= 0 || km > MaxKm)
            {
                ServicePointRules.Add(problems, at + ".km", $"'{kmText}' ska vara ett avstånd i km, större än 0 och högst {MaxKm}.");
            }
            else if (from.Length > 0 && to.Length > 0)
            {
                var key = string.CompareOrdinal(from, to) < 0 ? (from, to) : (to, from);
                if (!pairs.Add(key))
                {
                    ServicePointRules.Add(problems, at + ".to", $"Avståndet {from}–{to} finns redan i tabellen.");
                }

                result.Add(new VillageDistance(key.Item1, key.Item2, Math.Round(km, 1)));
            }
        }

        return result;
    }
}
