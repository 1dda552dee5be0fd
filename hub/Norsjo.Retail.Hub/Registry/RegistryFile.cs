using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Norsjo.Retail.Hub.Registry;

/// <summary>The registry file could not be used; every problem is listed with its line.</summary>
public sealed class RegistryFileException(string path, IReadOnlyList<string> problems)
    : Exception($"{path} has {problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Reads the registry (YAML, see registry.yaml) and checks all of it before the hub accepts a single
/// batch. It reports every problem at once, each as "rad N: where: what is wrong" (in Swedish), so the person
/// who edited the file can fix it in one go.
/// </summary>
public static partial class RegistryFile
{
    private static readonly Dictionary<string, DayOfWeek[]> DayNames = BuildDayNames();

    public static StoreRegistry Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new RegistryFileException(path, [$"filen finns inte (ange butiksregistret i Registry:File)"]);
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static StoreRegistry Parse(string yaml, string name = "registry")
    {
        var problems = new List<string>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new RegistryFileException(name, [$"rad {e.Start.Line}: {e.InnerException?.Message ?? e.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RegistryFileException(name, ["rad 1: väntade municipality, stores och years"]);
        }

        var reader = new NodeReader(problems);
        reader.OnlyKeys(root, "(top)", "municipality", "stores", "years", "categories", "estimate_uncertainty", "subsidy", "index_target");
        var municipality = reader.Text(root, "municipality", "(top)") ?? string.Empty;

        var stores = new List<Store>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, at) in reader.Sequence(root, "stores", "(top)"))
        {
            reader.OnlyKeys(node, at, "id", "name", "village", "opened", "hours", "reports", "baseline");
            var id = reader.Text(node, "id", at);
            var storeName = reader.Text(node, "name", at);
            var village = reader.Text(node, "village", at);
            var opened = reader.Date(node, "opened", at);
            var hours = reader.Hours(node, at);
            if (id is not null && !StoreIdPattern().IsMatch(id))
            {
                reader.Problem(node["id"], $"{at}.id", $"'{id}' ska vara 2–40 tecken av a–z, 0–9 och '-'");
            }
            else if (id is not null && !seen.Add(id))
            {
                reader.Problem(node["id"], $"{at}.id", $"'{id}' finns två gånger");
            }

            var reports = !node.Children.ContainsKey("reports") || reader.Flag(node, "reports", at) != false;
            StoreBaseline? baseline = null;
            if (node.Children.ContainsKey("baseline") && reader.Mapping(node, "baseline", at) is { } b)
            {
                var bAt = at + ".baseline";
                reader.OnlyKeys(b, bAt, "year", "dagligvaror_kr", "sallankopsvaror_kr");
                var bYear = reader.Number(b, "year", bAt, 2000, 2100);
                var bDag = reader.Number(b, "dagligvaror_kr", bAt, 0, 100_000_000_000);
                var bSal = reader.Number(b, "sallankopsvaror_kr", bAt, 0, 100_000_000_000);
                baseline = bYear is null || bDag is null || bSal is null ? null : new StoreBaseline((int)bYear, bDag.Value, bSal.Value);
            }

            if (!reports && baseline is null)
            {
                reader.Problem(node, at, "en butik utan agent (reports: false) behöver en baseline, annars kan index inte räkna med den");
            }

            if (id is not null && storeName is not null && village is not null && opened is not null && hours is not null)
            {
                stores.Add(new Store(id, storeName, village, opened.Value, hours) { Reports = reports, Baseline = baseline });
            }
        }

        var years = new List<MunicipalYear>();
        var seenYears = new HashSet<int>();
        foreach (var (node, at) in reader.Sequence(root, "years", "(top)"))
        {
            reader.OnlyKeys(node, at, "year", "population", "national_turnover_per_resident_kr", "income_factor", "sources");
            var year = reader.Number(node, "year", at, 2000, 2100);
            var population = reader.Number(node, "population", at, 1, 100_000_000);
            long? dagligvaror = null, sallankop = null;
            if (reader.Mapping(node, "national_turnover_per_resident_kr", at) is { } perResident)
            {
                var perAt = at + ".national_turnover_per_resident_kr";
                reader.OnlyKeys(perResident, perAt, "dagligvaror", "sallankopsvaror");
                dagligvaror = reader.Number(perResident, "dagligvaror", perAt, 1, 10_000_000);
                sallankop = reader.Number(perResident, "sallankopsvaror", perAt, 1, 10_000_000);
            }

            var income = node.Children.ContainsKey("income_factor") ? reader.Decimal(node, "income_factor", at, 0.2m, 5m) : 1.0m;
            if (year is not null && !seenYears.Add((int)year))
            {
                reader.Problem(node["year"], $"{at}.year", $"{year} finns två gånger");
            }

            var sources = YearSources.Unknown;
            if (node.Children.ContainsKey("sources") && reader.Mapping(node, "sources", at) is { } s)
            {
                var sAt = at + ".sources";
                reader.OnlyKeys(s, sAt, "population", "national_turnover", "income_factor");
                string Source(string key) => s.Children.ContainsKey(key) ? reader.Text(s, key, sAt) ?? string.Empty : string.Empty;
                sources = new YearSources(Source("population"), Source("national_turnover"), Source("income_factor"));
            }

            if (year is not null && population is not null && dagligvaror is not null && sallankop is not null && income is not null)
            {
                years.Add(new MunicipalYear((int)year, (int)population, dagligvaror.Value, sallankop.Value, income.Value) { Sources = sources });
            }
        }

        var categories = CategoryGroups.Default;
        if (root.Children.ContainsKey("categories") && reader.Mapping(root, "categories", "(top)") is { } c)
        {
            reader.OnlyKeys(c, "categories", "dagligvaror", "excluded", "food");
            categories = new CategoryGroups(
                reader.List(c, "dagligvaror", "categories") ?? categories.Dagligvaror,
                reader.List(c, "excluded", "categories") ?? categories.Excluded,
                reader.List(c, "food", "categories") ?? categories.Food);
        }

        var subsidy = root.Children.ContainsKey("subsidy") ? reader.Subsidy(root) : Subsidy.SubsidyPolicy.None;
        var uncertainty = root.Children.ContainsKey("estimate_uncertainty")
            ? reader.Decimal(root, "estimate_uncertainty", "(top)", 0m, 1m) ?? 0.25m
            : 0.25m;
        var target = root.Children.ContainsKey("index_target")
            ? reader.Decimal(root, "index_target", "(top)", 1m, 300m) ?? StoreRegistry.DefaultIndexTarget
            : StoreRegistry.DefaultIndexTarget;
        if (problems.Count > 0)
        {
            throw new RegistryFileException(name, problems);
        }

        return new StoreRegistry(municipality, stores, years.OrderBy(y => y.Year).ToList())
        {
            Categories = categories,
            EstimateUncertainty = uncertainty,
            IndexTarget = target,
            Subsidy = subsidy ?? Subsidy.SubsidyPolicy.None,
        };
    }

    /// <summary>
    /// Opening hours typed per weekday key (mon…sun, mån…sön, ranges like mon-fri), checked by the
    /// same rules as a store's hours in the file; each problem keyed by its field ("hours.mon").
    /// Used where something other than a store has opening hours (ServicePoints/), so hours mean one thing.
    /// </summary>
    public static OpeningHours? ParseHours(IEnumerable<(string Day, string Text)> days, out IReadOnlyDictionary<string, string[]> problems)
    {
        ArgumentNullException.ThrowIfNull(days);
        var found = new List<string>();
        var stream = new YamlStream();
        stream.Load(new StringReader("place:\n" + RegistryYaml.HoursBlock(days)));
        var place = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["place"];
        var hours = new NodeReader(found).Hours(place, "place");
        problems = found
            .Select(p => HoursProblemPattern().Match(p))
            .GroupBy(m => m.Success ? m.Groups[1].Value : "hours", m => m.Success ? m.Groups[2].Value : "väntade öppettider per veckodag")
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        return problems.Count == 0 ? hours : null;
    }

    [GeneratedRegex(@"^rad \d+: place\.(hours(?:\.[^:]+)?): (.*)$")]
    private static partial Regex HoursProblemPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,39}$")]
    private static partial Regex StoreIdPattern();

    [GeneratedRegex(@"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")]
    private static partial Regex IntervalPattern();

    private static Dictionary<string, DayOfWeek[]> BuildDayNames()
    {
        DayOfWeek[] week = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];
        string[][] names = [["mon", "mån"], ["tue", "tis"], ["wed", "ons"], ["thu", "tor"], ["fri", "fre"], ["sat", "lör"], ["sun", "sön"]];
        var single = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < 7; i++)
        {
            foreach (var n in names[i])
            {
                single[n] = i;
            }
        }

        var result = new Dictionary<string, DayOfWeek[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (from, i) in single)
        {
            result[from] = [week[i]];
            foreach (var (to, j) in single.Where(t => t.Value > i))
            {
                result[$"{from}-{to}"] = week[i..(j + 1)];
            }
        }

        return result;
    }

    /// <summary>Reads typed values from YAML nodes, collecting problems with line numbers instead of stopping.</summary>
    private sealed class NodeReader(List<string> problems)
    {
        public void Problem(YamlNode node, string at, string what) => problems.Add($"rad {node.Start.Line}: {at}: {what}");

        public void OnlyKeys(YamlMappingNode node, string at, params string[] allowed)
        {
            foreach (var key in node.Children.Keys)
            {
                if (key is YamlScalarNode { Value: { } k } && !allowed.Contains(k))
                {
                    Problem(key, at, $"okänd nyckel '{k}' (väntade {string.Join(", ", allowed)})");
                }
            }
        }

        public IEnumerable<(YamlMappingNode Node, string At)> Sequence(YamlMappingNode parent, string key, string at)
        {
            if (!parent.Children.TryGetValue(key, out var value))
            {
                Problem(parent, at, $"'{key}' saknas");
                yield break;
            }

            if (value is not YamlSequenceNode sequence)
            {
                Problem(value, $"{key}", "väntade en lista (rader som börjar med '- ')");
                yield break;
            }

            for (var i = 0; i < sequence.Children.Count; i++)
            {
                if (sequence.Children[i] is YamlMappingNode item)
                {
                    yield return (item, $"{key}[{i}]");
                }
                else
                {
                    Problem(sequence.Children[i], $"{key}[{i}]", "väntade rader med 'nyckel: värde'");
                }
            }
        }

        public YamlMappingNode? Mapping(YamlMappingNode parent, string key, string at)
        {
            if (!parent.Children.TryGetValue(key, out var value))
            {
                Problem(parent, at, $"'{key}' saknas");
                return null;
            }

            if (value is YamlMappingNode mapping)
            {
                return mapping;
            }

            Problem(value, $"{at}.{key}", "väntade rader med 'nyckel: värde'");
            return null;
        }

        public string? Text(YamlMappingNode parent, string key, string at)
        {
            if (!parent.Children.TryGetValue(key, out var value))
            {
                Problem(parent, at, $"'{key}' saknas");
                return null;
            }

            if (value is YamlScalarNode { Value: { Length: > 0 } text })
            {
                return text.Trim();
            }

            Problem(value, $"{at}.{key}", "väntade en text");
            return null;
        }

        public long? Number(YamlMappingNode parent, string key, string at, long min, long max)
        {
            var text = Text(parent, key, at);
            if (text is null)
            {
                return null;
            }

            if (long.TryParse(text.Replace(" ", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                && value >= min && value <= max)
            {
                return value;
            }

            Problem(parent[key], $"{at}.{key}", $"'{text}' ska vara ett heltal från {min} till {max}");
            return null;
        }

        public decimal? Decimal(YamlMappingNode parent, string key, string at, decimal min, decimal max)
        {
            var text = Text(parent, key, at);
            if (text is null)
            {
                return null;
            }

            if (decimal.TryParse(text.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value >= min && value <= max)
            {
                return value;
            }

            Problem(parent[key], $"{at}.{key}", $"'{text}' ska vara ett tal från {min} till {max}");
            return null;
        }

        public Subsidy.SubsidyPolicy? Subsidy(YamlMappingNode root)
        {
            if (Mapping(root, "subsidy", "(top)") is not { } node)
            {
                return null;
            }

            OnlyKeys(node, "subsidy", "rules", "state_share", "state_cap_per_delivery_kr", "claim_threshold_kr");
            var rules = new List<Subsidy.SubsidyRule>();
            foreach (var (rule, at) in Sequence(node, "rules", "subsidy"))
            {
                var where = "subsidy." + at;
                OnlyKeys(rule, where, "valid_from", "valid_to", "amount_kr", "min_distance_km", "max_per_household_per_week", "localities", "registered_households_only");
                var from = Date(rule, "valid_from", where);
                DateOnly? to = rule.Children.ContainsKey("valid_to") ? Date(rule, "valid_to", where) : null;
                var amount = Decimal(rule, "amount_kr", where, 0m, 10_000m);
                var distance = Decimal(rule, "min_distance_km", where, 0m, 500m);
                var perWeek = Number(rule, "max_per_household_per_week", where, 1, 14);
                var localities = List(rule, "localities", where) ?? [];
                var registeredOnly = rule.Children.ContainsKey("registered_households_only") && Flag(rule, "registered_households_only", where) == true;
                if (from is not null && amount is not null && distance is not null && perWeek is not null)
                {
                    if (rules.Any(r => r.ValidFrom == from))
                    {
                        Problem(rule["valid_from"], $"{where}.valid_from", $"två regler börjar {from:yyyy-MM-dd}");
                    }

                    rules.Add(new Subsidy.SubsidyRule(from.Value, to, (long)(amount.Value * 100), (int)(distance.Value * 1000), (int)perWeek, localities)
                    {
                        RegisteredHouseholdsOnly = registeredOnly,
                    });
                }
            }

            return new Subsidy.SubsidyPolicy(
                rules.OrderBy(r => r.ValidFrom).ToList(),
                node.Children.ContainsKey("state_share") ? Decimal(node, "state_share", "subsidy", 0m, 1m) ?? 0.5m : 0.5m,
                (long)((node.Children.ContainsKey("state_cap_per_delivery_kr") ? Decimal(node, "state_cap_per_delivery_kr", "subsidy", 0m, 10_000m) ?? 100m : 100m) * 100),
                (long)((node.Children.ContainsKey("claim_threshold_kr") ? Decimal(node, "claim_threshold_kr", "subsidy", 0m, 100_000_000m) ?? 0m : 0m) * 100));
        }

        public bool? Flag(YamlMappingNode parent, string key, string at)
        {
            var text = Text(parent, key, at);
            switch (text?.ToLowerInvariant())
            {
                case null: return null;
                case "true" or "yes" or "ja": return true;
                case "false" or "no" or "nej": return false;
                default:
                    Problem(parent[key], $"{at}.{key}", $"'{text}' ska vara true eller false (ja eller nej)");
                    return null;
            }
        }

        public HashSet<string>? List(YamlMappingNode parent, string key, string at)
        {
            if (!parent.Children.TryGetValue(key, out var value))
            {
                return null;
            }

            if (value is YamlSequenceNode sequence && sequence.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
            {
                return sequence.Children.Select(c => ((YamlScalarNode)c).Value!.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            }

            Problem(value, $"{at}.{key}", "väntade en lista med kategorikoder, t.ex. [dagligvaror, tobak]");
            return null;
        }

        public DateOnly? Date(YamlMappingNode parent, string key, string at)
        {
            var text = Text(parent, key, at);
            if (text is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            Problem(parent[key], $"{at}.{key}", $"'{text}' ska vara ett datum, ÅÅÅÅ-MM-DD");
            return null;
        }

        public OpeningHours? Hours(YamlMappingNode parent, string at)
        {
            if (Mapping(parent, "hours", at) is not { } hours)
            {
                return null;
            }

            var days = new Dictionary<DayOfWeek, IReadOnlyList<(TimeOnly, TimeOnly)>>();
            var ok = true;
            foreach (var (keyNode, valueNode) in hours.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                var where = $"{at}.hours.{key}";
                if (!DayNames.TryGetValue(key, out var which))
                {
                    Problem(keyNode, where, "okänd dag; använd mon…sun eller mån…sön, eller ett intervall som mon-fri");
                    ok = false;
                    continue;
                }

                var text = (valueNode as YamlScalarNode)?.Value?.Trim() ?? string.Empty;
                var intervals = new List<(TimeOnly, TimeOnly)>();
                if (!text.Equals("closed", StringComparison.OrdinalIgnoreCase) && !text.Equals("stängt", StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
                    {
                        var m = IntervalPattern().Match(part);
                        if (!m.Success
                            || !TryTime(m.Groups[1].Value, m.Groups[2].Value, out var open)
                            || !TryTime(m.Groups[3].Value, m.Groups[4].Value, out var close)
                            || close <= open)
                        {
                            Problem(valueNode, where, $"'{part}' ska vara TT:MM-TT:MM med stängning efter öppning, eller 'closed' (stängt)");
                            ok = false;
                            continue;
                        }

                        intervals.Add((open, close));
                    }
                }

                foreach (var day in which)
                {
                    if (days.ContainsKey(day))
                    {
                        Problem(keyNode, where, $"{day} anges två gånger");
                        ok = false;
                    }

                    days[day] = intervals;
                }
            }

            return ok ? new OpeningHours(days) : null;
        }

        private static bool TryTime(string hours, string minutes, out TimeOnly time)
        {
            var h = int.Parse(hours, CultureInfo.InvariantCulture);
            var m = int.Parse(minutes, CultureInfo.InvariantCulture);
            time = h == 24 && m == 0 ? TimeOnly.MaxValue : default;
            if (h is >= 0 and < 24 && m is >= 0 and < 60)
            {
                time = new TimeOnly(h, m);
                return true;
            }

            return h == 24 && m == 0;
        }
    }
}
