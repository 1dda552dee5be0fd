using System.Globalization;
using System.Text;
using Norsjo.Retail.Hub.Subsidy;

namespace Norsjo.Retail.Hub.Registry;

/// <summary>One registry item as stored: its kind, its key within the kind, and its text in the file's format.</summary>
public sealed record RegistryItem(string Kind, string Key, string Yaml);

/// <summary>
/// Writes the registry in the format <see cref="RegistryFile"/> reads, item by item, so the
/// operational store keeps each item as the file would and one parser checks the file, an import
/// and every edit on the page alike. The text is canonical (every day written out, every text
/// quoted): writing what was read gives the same registry, and writing it again the same bytes.
/// </summary>
public static class RegistryYaml
{
    public const string Settings = "settings";
    public const string Categories = "categories";
    public const string SubsidySettings = "subsidy";
    public const string SubsidyRule = "subsidy_rule";
    public const string Store = "store";
    public const string Year = "year";


    /// <summary>The whole registry as a file.</summary>
    public static string Write(StoreRegistry registry) => Compose(Items(registry));

    /// <summary>The registry's items, in the file's order.</summary>
    public static IReadOnlyList<RegistryItem> Items(StoreRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var items = new List<RegistryItem>
        {
            SettingsItem(registry),
            CategoriesItem(registry.Categories),
            new(SubsidySettings, string.Empty,
                $"  state_share: {Num(registry.Subsidy.StateShare)}\n  state_cap_per_delivery_kr: {Kr(registry.Subsidy.StateCapPerDeliveryOre)}\n  claim_threshold_kr: {Kr(registry.Subsidy.ClaimThresholdOre)}\n"),
        };
        items.AddRange(registry.Subsidy.Rules.Select(RuleItem));
        items.AddRange(registry.Stores.Select(StoreItem));
        items.AddRange(registry.Years.Select(YearItem));
        return items;
    }

    /// <summary>A file from items (the last of each kind and key wins; order within a kind kept).</summary>
    public static string Compose(IEnumerable<RegistryItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var all = items.ToList();
        IEnumerable<string> Of(string kind) => all.Where(i => i.Kind == kind).Select(i => i.Yaml);
        var text = new StringBuilder();
        foreach (var settings in Of(Settings))
        {
            text.Append(settings);
        }

        foreach (var categories in Of(Categories))
        {
            text.Append(categories);
        }

        text.Append("subsidy:\n");
        foreach (var settings in Of(SubsidySettings))
        {
            text.Append(settings);
        }

        List("  rules", Of(SubsidyRule));
        List("stores", Of(Store));
        List("years", Of(Year));
        return text.ToString();

        void List(string key, IEnumerable<string> entries)
        {
            var list = entries.ToList();
            text.Append(key).Append(list.Count == 0 ? ": []\n" : ":\n");
            foreach (var entry in list)
            {
                text.Append(entry);
            }
        }
    }

    /// <summary>
    /// The municipality's name, the estimates' ± range and its index target; the target is written
    /// only when it is not the default, so a registry stored before targets were settable reads back byte for byte.
    /// </summary>
    public static RegistryItem SettingsItem(StoreRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var target = registry.IndexTarget == StoreRegistry.DefaultIndexTarget ? string.Empty : $"index_target: {Num(registry.IndexTarget)}\n";
        return new(Settings, string.Empty, $"municipality: {Quote(registry.Municipality)}\nestimate_uncertainty: {Num(registry.EstimateUncertainty)}\n{target}");
    }

    public static RegistryItem CategoriesItem(CategoryGroups categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        return new(Categories, string.Empty,
            $"categories:\n  dagligvaror: {Codes(categories.Dagligvaror)}\n  excluded: {Codes(categories.Excluded)}\n  food: {Codes(categories.Food)}\n");
    }

    public static RegistryItem RuleItem(SubsidyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var text = new StringBuilder($"    - valid_from: {Day(rule.ValidFrom)}\n");
        if (rule.ValidTo is { } to)
        {
            text.Append(CultureInfo.InvariantCulture, $"      valid_to: {Day(to)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"      amount_kr: {Kr(rule.AmountOre)}\n")
            .Append(CultureInfo.InvariantCulture, $"      min_distance_km: {Num(rule.MinDistanceM / 1000m)}\n")
            .Append(CultureInfo.InvariantCulture, $"      max_per_household_per_week: {rule.MaxPerHouseholdPerWeek}\n")
            .Append(CultureInfo.InvariantCulture, $"      localities: {Codes(rule.Localities)}\n")
            .Append(CultureInfo.InvariantCulture, $"      registered_households_only: {(rule.RegisteredHouseholdsOnly ? "true" : "false")}\n");
        return new(SubsidyRule, Day(rule.ValidFrom), text.ToString());
    }

    public static RegistryItem StoreItem(Store store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"  - id: {Quote(store.Id)}\n    name: {Quote(store.Name)}\n    village: {Quote(store.Village)}\n    opened: {Day(store.Opened)}\n");
        if (!store.Reports)
        {
            text.Append("    reports: false\n");
        }

        if (store.Baseline is { } b)
        {
            text.Append(CultureInfo.InvariantCulture, $"    baseline: {{ year: {b.Year}, dagligvaror_kr: {b.DagligvarorKr}, sallankopsvaror_kr: {b.SallankopKr} }}\n");
        }

        text.Append(HoursBlock(HoursText(store.Hours)));
        return new(Store, store.Id, text.ToString());
    }

    public static RegistryItem YearItem(MunicipalYear year)
    {
        ArgumentNullException.ThrowIfNull(year);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"  - year: {year.Year}\n    population: {year.Population}\n    national_turnover_per_resident_kr:\n")
            .Append(CultureInfo.InvariantCulture, $"      dagligvaror: {year.NationalDagligvarorPerResidentKr}\n      sallankopsvaror: {year.NationalSallankopPerResidentKr}\n")
            .Append(CultureInfo.InvariantCulture, $"    income_factor: {Num(year.IncomeFactor)}\n");
        var sources = new[] { ("population", year.Sources.Population), ("national_turnover", year.Sources.NationalTurnover), ("income_factor", year.Sources.IncomeFactor) }
            .Where(s => s.Item2.Length > 0).ToList();
        if (sources.Count > 0)
        {
            text.Append("    sources:\n");
            foreach (var (key, value) in sources)
            {
                text.Append(CultureInfo.InvariantCulture, $"      {key}: {Quote(value)}\n");
            }
        }

        return new(Year, year.Year.ToString(CultureInfo.InvariantCulture), text.ToString());
    }

    /// <summary>Opening hours as the file writes them, one entry per weekday given ("08:00-20:00", "closed").</summary>
    public static IReadOnlyList<(string Day, string Text)> HoursText(OpeningHours hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var days = new List<(string, string)>();
        foreach (var (day, key, _) in WeekDays.All)
        {
            if (hours.Days.TryGetValue(day, out var intervals))
            {
                days.Add((key, intervals.Count == 0 ? "closed" : string.Join(", ", intervals.Select(t => $"{Time(t.Open)}-{Time(t.Close)}"))));
            }
        }

        return days;
    }

    /// <summary>The "hours:" block of a store entry, from day keys and their texts (as typed on a page, checked by the parser).</summary>
    public static string HoursBlock(IEnumerable<(string Day, string Text)> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var text = new StringBuilder("    hours:\n");
        foreach (var (day, value) in days)
        {
            text.Append(CultureInfo.InvariantCulture, $"      {Quote(day)}: {Quote(value)}\n");
        }

        return text.ToString();
    }

    /// <summary>A double-quoted YAML scalar: whatever someone typed stays one value (no ': ', '#' or newline can break out).</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                _ when char.IsControl(c) => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    private static string Codes(IEnumerable<string> codes) => "[" + string.Join(", ", codes.Order(StringComparer.Ordinal).Select(Quote)) + "]";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(TimeOnly time) => time == TimeOnly.MaxValue ? "24:00" : time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Num(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Kr(long ore) => Num(ore / 100m);
}
