using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Norsjo.Retail.Hub.Registry;

/// <summary>One field of one change, as the history shows it: its Swedish name, what it was and what it became ("": not set).</summary>
public sealed record RegistryFieldChange(string Field, string Old, string New);

/// <summary>
/// Which fields of an item a change touched, worked out from the two stored texts (each item is kept
/// whole, in the file's format), so the history can say "Öppettider: mån–fre 09–18 → mån–fre 09–19"
/// without a table of its own. The field names are the editor's, in Swedish.
/// </summary>
public static class RegistryFieldDiff
{
    private const string Hours = "hours";

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["municipality"] = "Kommun",
        ["estimate_uncertainty"] = "Osäkerhet i uppskattad omsättning",
        ["categories.dagligvaror"] = "Dagligvaror",
        ["categories.excluded"] = "Räknas inte i index",
        ["categories.food"] = "Livsmedel (momssänkningen)",
        ["state_share"] = "Statens andel",
        ["state_cap_per_delivery_kr"] = "Statens tak per leverans (kr)",
        ["claim_threshold_kr"] = "Lägsta nettokostnad för statens bidrag (kr)",
        ["valid_from"] = "Gäller från",
        ["valid_to"] = "Gäller till",
        ["amount_kr"] = "Bidrag per leverans (kr)",
        ["min_distance_km"] = "Minsta avstånd (km)",
        ["max_per_household_per_week"] = "Högst per hushåll och vecka",
        ["localities"] = "Orter",
        ["registered_households_only"] = "Bara registrerade hushåll",
        ["id"] = "Id",
        ["name"] = "Namn",
        ["village"] = "Ort",
        ["opened"] = "Första dag",
        ["reports"] = "Har agent (rapporterar)",
        ["baseline.year"] = "Uppskattad omsättning, år",
        ["baseline.dagligvaror_kr"] = "Uppskattad omsättning, dagligvaror (kr)",
        ["baseline.sallankopsvaror_kr"] = "Uppskattad omsättning, sällanköpsvaror (kr)",
        [Hours] = "Öppettider",
        ["year"] = "År",
        ["population"] = "Befolkning 31 dec",
        ["national_turnover_per_resident_kr.dagligvaror"] = "Rikets omsättning per invånare, dagligvaror (kr)",
        ["national_turnover_per_resident_kr.sallankopsvaror"] = "Rikets omsättning per invånare, sällanköpsvaror (kr)",
        ["income_factor"] = "Inkomstfaktor",
        ["sources.population"] = "Källa för befolkningen",
        ["sources.national_turnover"] = "Källa för rikets omsättning",
        ["sources.income_factor"] = "Källa för inkomstfaktorn",
    };

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];

    /// <summary>The fields that differ, in the item's order; every field of a new item, every field of a removed one.</summary>
    public static IReadOnlyList<RegistryFieldChange> Between(string kind, string oldYaml, string newYaml)
    {
        ArgumentNullException.ThrowIfNull(oldYaml);
        ArgumentNullException.ThrowIfNull(newYaml);
        var before = Fields(kind, oldYaml);
        var after = Fields(kind, newYaml);
        return [.. after.Keys.Concat(before.Keys).Distinct(StringComparer.Ordinal)
            .Select(key => (key, Old: before.GetValueOrDefault(key, string.Empty), New: after.GetValueOrDefault(key, string.Empty)))
            .Where(f => f.Old != f.New)
            .Select(f => new RegistryFieldChange(Labels.GetValueOrDefault(f.key, f.key), f.Old, f.New))];
    }

    /// <summary>"Öppettider: mån–fre 09–18 → mån–fre 09–19, av kommunen, 2 dec 2026 10:14" per field; one line for a removal.</summary>
    public static IReadOnlyList<string> Lines(RegistryChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var by = $"av {change.ChangedBy}, {When(change.ChangedAt)}";
        return change.Yaml.Length == 0
            ? [$"Borttagen, {by}"]
            : [.. change.Fields.Select(f => $"{f.Field}: {Shown(f.Old)} → {Shown(f.New)}, {by}")];
    }

    /// <summary>"2 dec 2026 10:14", Norsjö's wall clock.</summary>
    public static string When(DateTimeOffset at)
    {
        var local = Time.SwedishTime.Local(at);
        return string.Create(CultureInfo.InvariantCulture, $"{local.Day} {Months[local.Month - 1]} {local.Year} {local:HH:mm}");
    }

    /// <summary>Opening hours as a person reads them: "mån–fre 08–20, lör 09–18, sön stängt".</summary>
    public static string HoursText(IReadOnlyDictionary<string, string> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var shown = WeekDays.All.Where(d => days.ContainsKey(d.Key)).Select(d => (Name: d.Swedish, Text: Interval(days[d.Key]))).ToList();
        var groups = new List<(string First, string Last, string Text)>();
        foreach (var (name, text) in shown)
        {
            if (groups.Count > 0 && groups[^1].Text == text)
            {
                groups[^1] = groups[^1] with { Last = name };
            }
            else
            {
                groups.Add((name, name, text));
            }
        }

        var others = days.Keys.Where(k => !WeekDays.All.Any(d => d.Key == k)).Select(k => $"{k} {Interval(days[k])}");
        return string.Join(", ", groups.Select(g => (g.First == g.Last ? g.First : $"{g.First}–{g.Last}") + " " + g.Text).Concat(others));
    }

    private static string Shown(string value) => value.Length == 0 ? "–" : value;

    /// <summary>"10:00-18:00, 18:30-20:00" → "10–18 och 18:30–20"; "closed" → "stängt".</summary>
    private static string Interval(string text) =>
        text.Trim() == "closed" ? "stängt"
        : string.Join(" och ", text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(i => string.Join("–", i.Split('-', StringSplitOptions.TrimEntries).Select(t => t.EndsWith(":00", StringComparison.Ordinal) ? t[..^3] : t))));

    /// <summary>An item's text as field → value (nested keys joined by '.', lists by ", ", the hours as one field); empty text: no fields.</summary>
    private static Dictionary<string, string> Fields(string kind, string yaml)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (yaml.Length == 0)
        {
            return fields;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return new(StringComparer.Ordinal) { ["(text)"] = yaml.Trim() };
        }

        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        if (root is YamlSequenceNode { Children.Count: > 0 } list)
        {
            root = list.Children[0];
        }

        if (root is YamlMappingNode mapping)
        {
            Walk(mapping, string.Empty, fields);
        }

        if (kind == RegistryYaml.Store)
        {
            // The file leaves out what is as usual: a store reports unless it says it does not.
            fields.TryAdd("reports", "ja");
            var hours = fields.Where(f => f.Key.StartsWith(Hours + ".", StringComparison.Ordinal)).ToList();
            foreach (var day in hours)
            {
                fields.Remove(day.Key);
            }

            fields[Hours] = HoursText(hours.ToDictionary(h => h.Key[(Hours.Length + 1)..], h => h.Value, StringComparer.Ordinal));
        }

        return fields;
    }

    private static void Walk(YamlMappingNode mapping, string prefix, Dictionary<string, string> fields)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = prefix + ((keyNode as YamlScalarNode)?.Value ?? string.Empty);
            switch (value)
            {
                case YamlMappingNode nested:
                    Walk(nested, key + ".", fields);
                    break;
                case YamlSequenceNode sequence:
                    fields[key] = string.Join(", ", sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty));
                    break;
                case YamlScalarNode scalar:
                    fields[key] = (scalar.Style, scalar.Value) switch
                    {
                        (YamlDotNet.Core.ScalarStyle.Plain, "true") => "ja",
                        (YamlDotNet.Core.ScalarStyle.Plain, "false") => "nej",
                        (_, var text) => text ?? string.Empty,
                    };
                    break;
            }
        }
    }
}
