using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Tests.Dashboards;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The registry's facts in the operational store (a real SQLite file, and PostgreSQL once): the
/// file seeds it once, export gives the file back, every edit is checked by the file's parser and
/// kept with who, when and the old value, and a past day's registry is the one that held then.
/// Today is fixed at 2026-05-04.
/// </summary>
public sealed class RegistryFactsTests : IDisposable
{
    private static readonly string ShippedFile = Path.Combine(DemoHubFixture.RepositoryRoot, "hub", "Norsjo.Retail.Hub", "registry.yaml");
    private static readonly DateOnly Today = new(2026, 5, 4);
    private static readonly JsonSerializerOptions Fields = new() { IncludeFields = true };
    private readonly TempFolder _folder = new("registry-facts");
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.FromHours(2)));

    public void Dispose() => _folder.Dispose();

    private OperationalStore Store(string? postgres = null) => new(
        Options.Create(new OperationalOptions { SqlitePath = Path.Combine(_folder.Path, "operational.db"), PostgreSql = postgres }),
        NullLogger<OperationalStore>.Instance);

    /// <summary>A hub's facts of one municipality (the first unless given); each call is another hub, unless given the watch of one.</summary>
    private RegistryFacts Facts(OperationalStore store, string yaml, RegistryChangeWatch? hub = null, Norsjo.Retail.Hub.Tenancy.Municipality? municipality = null) =>
        new(store, new RegistrySeed("registry.yaml", RegistryFile.Parse(yaml)), municipality ?? Norsjo.Retail.Hub.Tenancy.Municipality.First, _clock,
            hub ?? new RegistryChangeWatch(store, _clock), NullLogger<RegistryFacts>.Instance);

    /// <summary>Two registries are the same when every value is (the records hold lists and sets, which compare by reference).</summary>
    private static string Semantic(StoreRegistry registry) => JsonSerializer.Serialize(new
    {
        registry.Municipality,
        registry.EstimateUncertainty,
        Stores = registry.Stores.Select(s => new
        {
            s.Id,
            s.Name,
            s.Village,
            s.Opened,
            s.Reports,
            s.Baseline,
            Hours = s.Hours.Days.OrderBy(d => d.Key).Select(d => new { d.Key, Intervals = d.Value.Select(i => $"{i.Open}-{i.Close}") }),
        }),
        registry.Years,
        Sources = registry.Years.Select(y => y.Sources),
        Categories = new[] { registry.Categories.Dagligvaror, registry.Categories.Excluded, registry.Categories.Food }.Select(c => c.Order(StringComparer.Ordinal)),
        registry.Subsidy.StateShare,
        registry.Subsidy.StateCapPerDeliveryOre,
        registry.Subsidy.ClaimThresholdOre,
        Rules = registry.Subsidy.Rules.Select(r => new { r.ValidFrom, r.ValidTo, r.AmountOre, r.MinDistanceM, r.MaxPerHouseholdPerWeek, Localities = r.Localities.Order(StringComparer.Ordinal), r.RegisteredHouseholdsOnly }),
    }, Fields);

    [Fact]
    public async Task Todays_file_seeds_the_store_once_and_export_gives_the_same_registry_back()
    {
        var file = await File.ReadAllTextAsync(ShippedFile);
        var fromFile = RegistryFile.Parse(file);
        var facts = Facts(Store(), file);

        // Semantically equal to the file (comments and the file's own spellings such as mon-fri are not kept) ...
        var exported = facts.Export();
        Assert.Equal(Semantic(fromFile), Semantic(RegistryFile.Parse(exported)));
        Assert.Equal(Semantic(fromFile), Semantic(facts.Current));
        Assert.Equal(5, facts.Current.Stores.Count);
        Assert.Equal("SCB", facts.Current.Years.Single().Sources.Population);
        // ... and byte-equal from then on: import of the export changes nothing, the next export is the same bytes.
        Assert.Equal(0, await facts.ImportAsync(exported, "admin"));
        Assert.Equal(exported, facts.Export());
        Assert.Equal(exported, RegistryYaml.Write(RegistryFile.Parse(exported)));

        // A restarted hub with another file keeps what the store holds: the file only seeds a new deployment.
        var restarted = Facts(Store(), RunningHub.RegistryYaml(["en-annan-butik"]));
        Assert.Equal(Semantic(fromFile), Semantic(restarted.Current));
        Assert.Single(restarted.History(RegistryYaml.Store, "norsjo-livs"));
    }

    [Fact]
    public async Task An_edit_is_seen_at_once_and_kept_with_who_when_and_the_old_value()
    {
        var facts = Facts(Store(), await File.ReadAllTextAsync(ShippedFile));
        var before = facts.Current.Find("kusfors-handel")!;
        Assert.False(before.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(12, 0)));

        var edited = RegistryYaml.StoreItem(before with { Hours = RegistryFile.Parse(RunningHub.RegistryYaml(["x1"], "11:00-15:00")).Stores[0].Hours });
        Assert.True(await facts.ChangeAsync(edited, null, "anna.kommun"));

        Assert.True(facts.Current.Find("kusfors-handel")!.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(12, 0)));
        Assert.False(await facts.ChangeAsync(edited, null, "anna.kommun")); // the same again is no change
        var history = facts.History(RegistryYaml.Store, "kusfors-handel");
        Assert.Equal(2, history.Count);
        Assert.Equal(("anna.kommun", Today, _clock.GetUtcNow()), (history[0].ChangedBy, history[0].ValidFrom, history[0].ChangedAt));
        Assert.Equal(history[1].Yaml, history[0].OldYaml);
        Assert.Equal(RegistryFacts.SeededBy, history[1].ChangedBy);
        Assert.Contains("\"sun\": \"closed\"", history[0].OldYaml, StringComparison.Ordinal);
        // Another hub of the deployment (the same store) sees it too.
        Assert.True(Facts(Store(), RunningHub.RegistryYaml(["xx"])).Current.Find("kusfors-handel")!.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(12, 0)));
    }

    /// <summary>
    /// A hub with two municipalities learns of another hub's edit within <see cref="RegistryChangeWatch.Recheck"/>, by one
    /// statement for both (issue 20: it was one per municipality, 290 in a row on the region's call): the edited
    /// municipality's registry is a new one with the edit, the other's is the same object as before.
    /// </summary>
    [Fact]
    public async Task Another_hubs_edit_is_seen_within_the_recheck_by_one_statement_for_every_municipality()
    {
        var shipped = await File.ReadAllTextAsync(ShippedFile);
        var mala = new Norsjo.Retail.Hub.Tenancy.Municipality("mala");
        var malaFile = RunningHub.RegistryYaml(["mala-a", "mala-b"]);
        var hub = new RegistryChangeWatch(Store(), _clock);
        var (norsjo, malaHere) = (Facts(Store(), shipped, hub), Facts(Store(), malaFile, hub, mala));
        var (norsjoBefore, malaBefore) = (norsjo.Current, malaHere.Current);
        Assert.False(malaBefore.Find("mala-a")!.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(21, 0)));

        // Another hub of the deployment (the same store) changes Malå's registry: mala-a open late.
        var other = Facts(Store(), malaFile, municipality: mala);
        var late = other.Current.Find("mala-a")! with { Hours = RegistryFile.Parse(RunningHub.RegistryYaml(["x1"], "08:00-22:00")).Stores[0].Hours };
        Assert.True(await other.ChangeAsync(RegistryYaml.StoreItem(late), null, "malå.kommun"));

        _clock.Now += RegistryChangeWatch.Recheck;
        var reads = hub.Reads;
        Assert.True(malaHere.Current.Find("mala-a")!.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(21, 0)));
        Assert.NotSame(malaBefore, malaHere.Current);
        Assert.Same(norsjoBefore, norsjo.Current);
        Assert.Equal(reads + 1, hub.Reads);

        // With PostgreSQL a lower id can become visible after a higher one (ids are handed out before commit): another
        // hub's change of mala-b gets id N+1 but commits after a change of mala-a with id N+2 was read here.
        using (var connection = Store().Open())
        {
            var n = Convert.ToInt64(Scalar(connection, "SELECT max(id) FROM registry_changes"), System.Globalization.CultureInfo.InvariantCulture);
            var malaLate = (string)Scalar(connection, $"SELECT yaml FROM registry_changes WHERE id = {n}")!;
            void Insert(long id, string key, string yaml) => Scalar(connection,
                "INSERT INTO registry_changes (id, municipality, kind, item_key, valid_from, yaml, old_yaml, changed_by, changed_unix_ms) " +
                $"SELECT {id}, municipality, kind, @key, valid_from, @yaml, yaml, changed_by, changed_unix_ms FROM registry_changes WHERE id = {n}",
                ("@key", key), ("@yaml", yaml));
            Insert(n + 2, "mala-a", malaLate.Replace("22:00", "23:00", StringComparison.Ordinal));
            _clock.Now += RegistryChangeWatch.Recheck;
            Assert.True(malaHere.Current.Find("mala-a")!.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(22, 30)));
            Insert(n + 1, "mala-b", malaLate.Replace("mala-a", "mala-b", StringComparison.Ordinal));
        }

        _clock.Now += RegistryChangeWatch.Recheck;
        Assert.True(malaHere.Current.Find("mala-b")!.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(21, 0)));
    }

    [Fact]
    public async Task A_refused_edit_says_what_is_wrong_per_field_and_changes_nothing()
    {
        var facts = Facts(Store(), await File.ReadAllTextAsync(ShippedFile));
        var exported = facts.Export();

        var badHours = await Assert.ThrowsAsync<RegistryChangeRefusedException>(() => facts.ChangeAsync(
            new RegistryItem(RegistryYaml.Store, "ny-butik", "  - id: \"ny-butik\"\n    village: \"Norsjö\"\n    opened: \"2026-13-01\"\n" + RegistryYaml.HoursBlock([("mon", "25:00-26:00"), ("fredag", "08:00-12:00")])),
            null, "admin"));
        Assert.Equal(["", "hours.fredag", "hours.mon", "opened"], badHours.Problems.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'name' saknas", badHours.Problems[""].Single(), StringComparison.Ordinal);
        Assert.Contains("ÅÅÅÅ-MM-DD", badHours.Problems["opened"].Single(), StringComparison.Ordinal);

        var badYear = await Assert.ThrowsAsync<RegistryChangeRefusedException>(() => facts.ChangeAsync(
            new RegistryItem(RegistryYaml.Year, "2025", "  - year: 2025\n    population: \"fyratusen\"\n    national_turnover_per_resident_kr:\n      dagligvaror: 0\n      sallankopsvaror: 31233\n"),
            null, "admin"));
        Assert.Equal(["national_turnover_per_resident_kr.dagligvaror", "population"], badYear.Problems.Keys.Order(StringComparer.Ordinal));

        // Never backwards: a rule already in force, a change dated before today.
        var rule = facts.Current.Subsidy.Rules.Single();
        var backwards = await Assert.ThrowsAsync<RegistryChangeRefusedException>(() => facts.ChangeAsync(RegistryYaml.RuleItem(rule with { AmountOre = 20_000 }), null, "admin"));
        Assert.Contains("redan börjat gälla", backwards.Problems["valid_from"].Single(), StringComparison.Ordinal);
        var store = facts.Current.Find("norsjo-livs")!;
        var earlier = await Assert.ThrowsAsync<RegistryChangeRefusedException>(() => facts.ChangeAsync(RegistryYaml.StoreItem(store with { Name = "Nytt namn" }), Today.AddDays(-1), "admin"));
        Assert.Contains("aldrig bakåt", earlier.Problems["validFrom"].Single(), StringComparison.Ordinal);

        Assert.Equal(exported, facts.Export());
        Assert.Single(facts.History(RegistryYaml.Store, "norsjo-livs"));
    }

    [Fact]
    public async Task A_past_period_is_computed_with_the_facts_that_held_then()
    {
        var facts = Facts(Store(), await File.ReadAllTextAsync(ShippedFile));
        var estimated = facts.Current.Find("norsjo-storbutik")!;
        var halved = estimated with { Baseline = estimated.Baseline! with { DagligvarorKr = 42_500_000 } };
        Assert.True(await facts.ChangeAsync(RegistryYaml.StoreItem(halved), new DateOnly(2026, 6, 1), "admin"));

        // The store without an agent counts with its baseline: 2025 with the old one, 2026 (ending after 1 June) with the new.
        IndexPeriod Year(int year) => new SalesIndexCalculator(facts.AsOf(new DateOnly(year, 12, 31)))
            .Compute([], new DateOnly(year, 1, 1), new DateOnly(year, 12, 1), year.ToString(System.Globalization.CultureInfo.InvariantCulture), annualise: false);
        Assert.Equal(85_000_000m, Year(2025).Estimated.DagligvarorKr);
        Assert.Equal(42_500_000m, Year(2026).Estimated.DagligvarorKr);
        Assert.Equal(85_000_000, facts.Current.Find("norsjo-storbutik")!.Baseline!.DagligvarorKr); // today is before 1 June
    }

    [Fact]
    public void A_year_without_its_own_figures_is_provisional_and_says_which_year_it_borrowed()
    {
        var registry = RegistryFile.Parse(File.ReadAllText(ShippedFile));

        var own = YearBasis.For(registry, 2017);
        Assert.Equal((2017, false, "räknat med befolkning 31 dec 2017 (SCB), rikets omsättning 2017 (HUI)"), (own.FiguresYear, own.Provisional, own.Text));
        var borrowed = YearBasis.For(registry, 2026);
        Assert.Equal((2017, true), (borrowed.FiguresYear, borrowed.Provisional));
        Assert.StartsWith("preliminärt: 2026 saknar befolkning och rikets omsättning i registret, räknat med befolkning 31 dec 2017 (SCB)", borrowed.Text, StringComparison.Ordinal);

        var missing = MissingFact.In(registry, 2026);
        Assert.Equal(Enumerable.Range(2018, 9), missing.Select(m => m.Year));
        Assert.All(missing, m => Assert.Equal(2017, m.BorrowedFrom));
        var noSources = RegistryFile.Parse(RunningHub.RegistryYaml(["butik-a"]));
        Assert.Equal(["källa för befolkningen", "källa för rikets omsättning"], MissingFact.In(noSources, 2017).Select(m => m.What));
    }

    [Fact]
    public async Task The_same_facts_on_PostgreSQL()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var facts = Facts(Store(postgres.ConnectionString), await File.ReadAllTextAsync(ShippedFile));
        var store = facts.Current.Find("norsjo-livs")!;
        Assert.True(await facts.ChangeAsync(RegistryYaml.StoreItem(store with { Name = "Norsjö Livs" }), null, "admin"));
        Assert.Equal("Norsjö Livs", Facts(Store(postgres.ConnectionString), RunningHub.RegistryYaml(["xx"])).Current.Find("norsjo-livs")!.Name);
        Assert.Equal(2, facts.History(RegistryYaml.Store, "norsjo-livs").Count);
    }

    private static object? Scalar(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command.ExecuteScalar();
    }

}
