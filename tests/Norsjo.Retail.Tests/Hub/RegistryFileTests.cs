using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Tests.Hub;

public sealed class RegistryFileTests
{
    private static string RepositoryFile(params string[] parts)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Norsjo.Retail.sln")))
        {
            folder = folder.Parent;
        }

        return Path.Combine([folder?.FullName ?? throw new InvalidOperationException("repository root not found"), .. parts]);
    }

    [Fact]
    public void The_shipped_registry_is_valid_and_has_the_service_villages()
    {
        var registry = RegistryFile.Load(RepositoryFile("hub", "Norsjo.Retail.Hub", "registry.yaml"));

        Assert.Equal("Norsjö", registry.Municipality);
        Assert.Equal(["Bastuträsk", "Kusfors", "Norsjö", "Norsjövallen"], registry.Stores.Select(s => s.Village).Distinct().Order(StringComparer.Ordinal));
        var year = Assert.Single(registry.Years);
        Assert.Equal(new MunicipalYear(2017, 4100, 34202, 31233, 1.0m) { Sources = new YearSources("SCB", "HUI", string.Empty) }, year);
        var store = registry.Find("norsjovallen-butik")!;
        Assert.True(store.Hours.IsOpen(DayOfWeek.Wednesday, new TimeOnly(18, 45)));
        Assert.False(store.Hours.IsOpen(DayOfWeek.Wednesday, new TimeOnly(18, 15)));
        Assert.False(registry.Find("kusfors-handel")!.Hours.IsOpen(DayOfWeek.Sunday, new TimeOnly(12, 0)));
        var estimated = registry.Find("norsjo-storbutik")!;
        Assert.False(estimated.Reports);
        Assert.Equal(new StoreBaseline(2025, 85_000_000, 15_000_000), estimated.Baseline);
        Assert.Equal(IndexGroup.Excluded, registry.Categories.GroupOf("drivmedel", 2500));
        Assert.Equal(IndexGroup.Dagligvaror, registry.Categories.GroupOf("tobak", 2500));
        Assert.Equal(IndexGroup.Sallankop, registry.Categories.GroupOf("jarnhandel", 2500));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_line()
    {
        const string yaml = """
            municipality: Norsjö
            stores:
              - id: Bad Id
                name: A
                village: Kusfors
                opened: 2020-13-01
                hours:
                  mon-fri: "20:00-08:00"
                  someday: "08:00-10:00"
              - id: twice
                name: B
                village: Kusfors
                opened: 2020-01-01
                hours: { mon-sun: closed }
                colour: red
              - id: twice
                name: C
                village: Kusfors
                opened: 2020-01-01
                hours: { mon-sun: closed }
            years:
              - year: 2017
                population: many
                national_turnover_per_resident_kr: { dagligvaror: 34203 }
            """;

        var error = Assert.Throws<RegistryFileException>(() => RegistryFile.Parse(yaml, "registry.yaml"));

        Assert.Equal(
            [
                "rad 3: stores[0].id: 'Bad Id' ska vara 2–40 tecken av a–z, 0–9 och '-'",
                "rad 6: stores[0].opened: '2020-13-01' ska vara ett datum, ÅÅÅÅ-MM-DD",
                "rad 8: stores[0].hours.mon-fri: '20:00-08:00' ska vara TT:MM-TT:MM med stängning efter öppning, eller 'closed' (stängt)",
                "rad 9: stores[0].hours.someday: okänd dag; använd mon…sun eller mån…sön, eller ett intervall som mon-fri",
                "rad 15: stores[1]: okänd nyckel 'colour' (väntade id, name, village, opened, hours, reports, baseline)",
                "rad 16: stores[2].id: 'twice' finns två gånger",
                "rad 23: years[0].population: 'many' ska vara ett heltal från 1 till 100000000",
                "rad 24: years[0].national_turnover_per_resident_kr: 'sallankopsvaror' saknas",
            ],
            error.Problems.Order(StringComparer.Ordinal).OrderBy(p => int.Parse(p.Split(':')[0][4..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("registry.yaml has 8 problem(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_YAML_names_its_line() =>
        Assert.StartsWith("rad 3:", Assert.Throws<RegistryFileException>(() => RegistryFile.Parse("stores:\n  - id: a\n  bad: [\n")).Problems.Single(), StringComparison.Ordinal);

    [Fact]
    public void The_cluster_schema_beside_the_migrations_is_the_one_the_hub_generates()
    {
        var generated = ClusterSchema.Generate("norsjo", "norsjo_retail");
        Assert.Equal(generated, File.ReadAllText(RepositoryFile("hub", "Norsjo.Retail.Hub", "Storage", "Migrations", "cluster-schema.sql")));
        var tables = Schema.Migrations.SelectMany(m => m.Statements).Count(s => s.TrimStart().StartsWith("CREATE TABLE", StringComparison.Ordinal));
        // A step that adds a column remakes the table's Distributed table (it cannot be altered ON CLUSTER).
        var addedColumns = Schema.Migrations.SelectMany(m => m.Statements).Count(s => s.TrimStart().StartsWith("ALTER TABLE", StringComparison.Ordinal));
        Assert.Equal(tables + addedColumns, System.Text.RegularExpressions.Regex.Count(generated, "ENGINE = Distributed"));
        Assert.Equal(tables, System.Text.RegularExpressions.Regex.Count(generated, "ENGINE = ReplicatedReplacingMergeTree\\('/clickhouse/tables/\\{shard\\}/norsjo_retail/\\w+_local', '\\{replica\\}', version\\)"));
    }
}
