using System.Globalization;
using Dapper;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.Registry;

/// <summary>A change the registry refused: per field of the item, what is wrong (Swedish where the parser says it so).</summary>
public sealed class RegistryChangeRefusedException(IReadOnlyDictionary<string, string[]> problems)
    : Exception(string.Join("; ", problems.SelectMany(p => p.Value.Select(v => p.Key.Length == 0 ? v : $"{p.Key}: {v}"))))
{
    public IReadOnlyDictionary<string, string[]> Problems { get; } = problems;
}

/// <summary>One change of one registry item, as the history shows it.</summary>
public sealed record RegistryChange(string Kind, string Key, DateOnly ValidFrom, string Yaml, string OldYaml, string ChangedBy, DateTimeOffset ChangedAt)
{
    /// <summary>The fields the change touched, old → new (worked out from the two stored texts).</summary>
    public IReadOnlyList<RegistryFieldChange> Fields => RegistryFieldDiff.Between(Kind, OldYaml, Yaml);

    /// <summary>The change in words, a line per field: "Öppettider: mån–fre 09–18 → mån–fre 09–19, av kommunen, 2 dec 2026 10:14".</summary>
    public IReadOnlyList<string> Lines => RegistryFieldDiff.Lines(this);
}

/// <summary>
/// The registry's facts in the operational store, with their history: every change is a row (who,
/// when, from which day it holds, the old value), so the registry that held on any day can be
/// rebuilt. An item is stored in the registry file's format and the registry is always rebuilt by
/// <see cref="RegistryFile.Parse"/>: the file, an import and every edit are checked by the same rules.
/// On first start the file (Registry:File) seeds the store; after that the store is the truth.
/// Each municipality on the hub has its own rows (registry_changes.municipality) and its own instance.
///
/// A year's figures are facts about that year: a correction holds for every computation of that
/// year. Everything else holds from its day on, never backwards, so a past period is computed
/// with what held then.
/// </summary>
public sealed partial class RegistryFacts(OperationalStore store, RegistrySeed seed, Tenancy.Municipality municipality, TimeProvider time, RegistryChangeWatch changes, ILogger<RegistryFacts> logger)
{
    /// <summary>The changed_by of the rows the file seeded.</summary>
    public const string SeededBy = "registerfilen";

    private const string Beginning = "0001-01-01";

    private readonly Lock _lock = new();
    private readonly Dictionary<DateOnly, StoreRegistry> _byDay = [];
    private List<Row>? _rows;

    private sealed record Row(long Id, string Kind, string ItemKey, string ValidFrom, string Yaml, string OldYaml, string ChangedBy, long ChangedUnixMs);

    /// <summary>The registry as it holds today: what every request and job uses, so an edit is seen at once.</summary>
    public StoreRegistry Current => AsOf(Time.SwedishTime.Today(time));

    /// <summary>The registry as it held on a day (its years as corrected since).</summary>
    public StoreRegistry AsOf(DateOnly day)
    {
        lock (_lock)
        {
            var rows = Rows();
            if (_byDay.TryGetValue(day, out var cached))
            {
                return cached;
            }

            var registry = RegistryFile.Parse(RegistryYaml.Compose(ItemsOn(rows, day)), "registry (operational store)");
            _byDay[day] = registry;
            return registry;
        }
    }

    /// <summary>The whole registry as today's file: what export gives and import takes.</summary>
    public string Export() => RegistryYaml.Write(Current);

    /// <summary>Every change of an item, newest first.</summary>
    public IReadOnlyList<RegistryChange> History(string kind, string key)
    {
        lock (_lock)
        {
            return [.. Rows().Where(r => r.Kind == kind && r.ItemKey == key).OrderByDescending(r => r.Id).Select(Change)];
        }
    }

    /// <summary>
    /// Sets one item (empty yaml: removes it) from <paramref name="validFrom"/> (today when null; never
    /// before today, except a year's figures). Refused with the parser's problems, per field, when the
    /// registry would not load from then on. False when nothing changed.
    /// </summary>
    public async Task<bool> ChangeAsync(RegistryItem item, DateOnly? validFrom, string changedBy, CancellationToken cancellationToken = default) =>
        await ApplyAsync([item], validFrom, changedBy, cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>Replaces the whole registry by a file's (checked as the hub checks its file), from today; returns how many items changed.</summary>
    public Task<int> ImportAsync(string yaml, string changedBy, CancellationToken cancellationToken = default)
    {
        StoreRegistry imported;
        try
        {
            imported = RegistryFile.Parse(yaml, "import");
        }
        catch (RegistryFileException e)
        {
            throw new RegistryChangeRefusedException(new Dictionary<string, string[]> { [string.Empty] = [.. e.Problems] });
        }

        var wanted = RegistryYaml.Items(imported);
        var keys = wanted.Select(i => (i.Kind, i.Key)).ToHashSet();
        List<RegistryItem> today;
        lock (_lock)
        {
            today = ItemsOn(Rows(), Time.SwedishTime.Today(time));
        }

        var removed = today.Where(i => !keys.Contains((i.Kind, i.Key))).Select(i => i with { Yaml = string.Empty });
        return ApplyAsync([.. wanted, .. removed], null, changedBy, cancellationToken);
    }

    /// <summary>Whether the store holds the registry yet (false before a deployment's first start: the file will seed it).</summary>
    public bool Seeded
    {
        get
        {
            using var connection = store.Open();
            return connection.ExecuteScalar<long>(SeededSql, new { Municipality = municipality.Id, Kind = OperationalSchema.RegistrySeedKind }) > 0;
        }
    }

    /// <summary>Fills the store from the registry file once, on a deployment's first start (two hubs starting together seed once).</summary>
    public void EnsureSeeded()
    {
        lock (_lock)
        {
            _ = Rows();
        }
    }

    private async Task<int> ApplyAsync(IReadOnlyList<RegistryItem> changes, DateOnly? validFrom, string changedBy, CancellationToken cancellationToken)
    {
        var today = Time.SwedishTime.Today(time);
        var from = validFrom ?? today;
        var written = await store.ExclusiveAsync(async (connection, transaction) =>
        {
            var rows = (await connection.QueryAsync<Row>(SelectRows, new { Municipality = municipality.Id }, transaction).ConfigureAwait(false)).ToList();
            var before = ItemsOn(rows, from).ToDictionary(i => (i.Kind, i.Key));
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var fresh = changes
                .Select(c => new Row(0, c.Kind, c.Key, c.Kind == RegistryYaml.Year ? Beginning : Day(from), c.Yaml,
                    before.GetValueOrDefault((c.Kind, c.Key))?.Yaml ?? string.Empty, changedBy, now))
                .Where(r => r.Yaml != r.OldYaml)
                .ToList();
            if (fresh.Count == 0)
            {
                return 0;
            }

            // The registry must load on the first day and on every later day another change starts;
            // what is stored is the item as the file writes it, whatever way it was typed.
            var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var candidate = rows.Concat(fresh.Select((r, i) => r with { Id = long.MaxValue - fresh.Count + i })).ToList();
            var days = rows.Select(r => r.ValidFrom).Where(d => string.CompareOrdinal(d, Day(from)) > 0).Select(Parse).Prepend(from).Distinct();
            Dictionary<(string, string), string>? canonical = null;
            foreach (var day in days)
            {
                var items = ItemsOn(candidate, day);
                try
                {
                    var registry = RegistryFile.Parse(RegistryYaml.Compose(items), "registry");
                    canonical ??= RegistryYaml.Items(registry).ToDictionary(i => (i.Kind, i.Key), i => i.Yaml);
                }
                catch (RegistryFileException e)
                {
                    foreach (var problem in e.Problems)
                    {
                        var (field, message) = Field(problem, items, fresh);
                        Add(problems, field, message);
                    }
                }
            }

            if (problems.Count > 0)
            {
                throw new RegistryChangeRefusedException(problems);
            }

            fresh = [.. fresh
                .Select(r => r.Yaml.Length == 0 ? r : r with { Yaml = canonical!.GetValueOrDefault((r.Kind, r.ItemKey), r.Yaml) })
                .Where(r => r.Yaml != r.OldYaml)];
            foreach (var row in fresh)
            {
                if (row.Kind != RegistryYaml.Year && from < today)
                {
                    Add(problems, "validFrom", $"En ändring gäller från i dag ({Day(today)}) eller senare, aldrig bakåt.");
                }

                if (row.Kind == RegistryYaml.SubsidyRule && string.CompareOrdinal(row.ItemKey, Day(today)) < 0)
                {
                    Add(problems, "valid_from", $"Regeln från {row.ItemKey} har redan börjat gälla och kan inte ändras i efterhand; lägg till en ny regel från i dag eller senare.");
                }
            }

            if (problems.Count > 0)
            {
                throw new RegistryChangeRefusedException(problems);
            }

            await connection.ExecuteAsync(Insert, fresh.Select(r => Parameters(r)), transaction).ConfigureAwait(false);
            return fresh.Count;
        }, cancellationToken).ConfigureAwait(false);

        if (written > 0)
        {
            lock (_lock)
            {
                _rows = null;
            }

            LogChanged(logger, written);
        }

        return written;
    }

    private const string SelectRows = """
        SELECT id AS Id, kind AS Kind, item_key AS ItemKey, valid_from AS ValidFrom, yaml AS Yaml, old_yaml AS OldYaml,
               changed_by AS ChangedBy, changed_unix_ms AS ChangedUnixMs
        FROM registry_changes WHERE municipality = @Municipality ORDER BY id
        """;

    private const string Insert = """
        INSERT INTO registry_changes (municipality, kind, item_key, valid_from, yaml, old_yaml, changed_by, changed_unix_ms)
        VALUES (@Municipality, @Kind, @ItemKey, @ValidFrom, @Yaml, @OldYaml, @ChangedBy, @ChangedUnixMs)
        """;

    private const string SeededSql = "SELECT count(*) FROM municipality_seeds WHERE municipality = @Municipality AND kind = @Kind";

    private sealed record InsertRow(string Municipality, string Kind, string ItemKey, string ValidFrom, string Yaml, string OldYaml, string ChangedBy, long ChangedUnixMs);

    private InsertRow Parameters(Row r) => new(municipality.Id, r.Kind, r.ItemKey, r.ValidFrom, r.Yaml, r.OldYaml, r.ChangedBy, r.ChangedUnixMs);

    /// <summary>
    /// The rows, read again when another hub has changed them (the hub's <see cref="RegistryChangeWatch"/>, at most
    /// <see cref="RegistryChangeWatch.Recheck"/> old, has a later change or more of them than the rows read (its
    /// figures may be older than this hub's own change); this hub's own changes drop the rows at once); seeds an empty store from the file.
    /// </summary>
    private List<Row> Rows()
    {
        if (_rows is not null && (changes.Of(municipality.Id) is not { } latest || (_rows.Count > 0 && latest.Id <= _rows[^1].Id && latest.Rows <= _rows.Count)))
        {
            return _rows;
        }

        if (Seed())
        {
            LogSeeded(logger, seed.Path);
        }

        using (var connection = store.Open())
        {
            _rows = [.. connection.Query<Row>(SelectRows, new { Municipality = municipality.Id })];
        }

        _byDay.Clear();
        return _rows;
    }

    private bool Seed() => store.ExclusiveAsync(async (connection, transaction) =>
    {
        if (await connection.ExecuteScalarAsync<long>(SeededSql, new { Municipality = municipality.Id, Kind = OperationalSchema.RegistrySeedKind }, transaction).ConfigureAwait(false) > 0)
        {
            return false;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(Insert, RegistryYaml.Items(seed.Registry)
            .Select(i => Parameters(new Row(0, i.Kind, i.Key, Beginning, i.Yaml, string.Empty, SeededBy, now))), transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("INSERT INTO municipality_seeds (municipality, kind, seeded_unix_ms) VALUES (@Municipality, @Kind, @Now)",
            new { Municipality = municipality.Id, Kind = OperationalSchema.RegistrySeedKind, Now = now }, transaction).ConfigureAwait(false);
        return true;
    }).GetAwaiter().GetResult();

    /// <summary>Each item's latest row holding on the day (years: their latest correction), in the order items first appeared; removed items left out.</summary>
    private static List<RegistryItem> ItemsOn(IEnumerable<Row> rows, DateOnly day)
    {
        var on = Day(day);
        return [.. rows
            .GroupBy(r => (r.Kind, r.ItemKey))
            .Select(g => (First: g.Min(r => r.Id), Row: g
                .Where(r => r.Kind == RegistryYaml.Year || string.CompareOrdinal(r.ValidFrom, on) <= 0)
                .OrderBy(r => r.ValidFrom, StringComparer.Ordinal).ThenBy(r => r.Id)
                .LastOrDefault()))
            .Where(x => x.Row is { Yaml.Length: > 0 })
            .OrderBy(x => x.First)
            .Select(x => new RegistryItem(x.Row!.Kind, x.Row.ItemKey, x.Row.Yaml))];
    }

    /// <summary>"rad 12: stores[3].hours.mon: what" → ("hours.mon", "what") when it is about a changed item; otherwise the whole text.</summary>
    private static (string Field, string Message) Field(string problem, List<RegistryItem> items, List<Row> changed)
    {
        var text = LinePrefix().Replace(problem, string.Empty);
        foreach (var row in changed)
        {
            var prefix = Prefix(row.Kind, items.Where(i => i.Kind == row.Kind).Select(i => i.Key).ToList().IndexOf(row.ItemKey));
            if (prefix is not null && text.StartsWith(prefix, StringComparison.Ordinal))
            {
                var rest = text[prefix.Length..];
                var colon = rest.IndexOf(": ", StringComparison.Ordinal);
                return colon < 0 ? (string.Empty, rest.TrimStart(':', ' ')) : (rest[..colon].TrimStart('.'), rest[(colon + 2)..]);
            }
        }

        return (string.Empty, text);
    }

    private static string? Prefix(string kind, int index) => kind switch
    {
        _ when index < 0 && kind is RegistryYaml.Store or RegistryYaml.Year or RegistryYaml.SubsidyRule => null,
        RegistryYaml.Store => $"stores[{index}]",
        RegistryYaml.Year => $"years[{index}]",
        RegistryYaml.SubsidyRule => $"subsidy.rules[{index}]",
        RegistryYaml.Categories => "categories",
        RegistryYaml.SubsidySettings => "subsidy",
        _ => "(top)",
    };

    private static void Add(Dictionary<string, string[]> problems, string field, string message) =>
        problems[field] = problems.TryGetValue(field, out var known) ? known.Contains(message) ? known : [.. known, message] : [message];

    private static RegistryChange Change(Row r) =>
        new(r.Kind, r.ItemKey, Parse(r.ValidFrom), r.Yaml, r.OldYaml, r.ChangedBy, DateTimeOffset.FromUnixTimeMilliseconds(r.ChangedUnixMs));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Parse(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [System.Text.RegularExpressions.GeneratedRegex(@"^rad \d+: ")]
    private static partial System.Text.RegularExpressions.Regex LinePrefix();

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry: seeded the operational store from {Path}")]
    private static partial void LogSeeded(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry: {Count} item(s) changed")]
    private static partial void LogChanged(ILogger logger, int count);
}

/// <summary>The registry file (Registry:File) as loaded and checked at start: the seed of a new deployment.</summary>
public sealed record RegistrySeed(string Path, StoreRegistry Registry);
