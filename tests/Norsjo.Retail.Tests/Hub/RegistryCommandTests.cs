using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Hosting;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Tests.Dashboards;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The hub's registry commands on a real operational store (a SQLite file) seeded from the shipped
/// registry.yaml: registry-export and registry-import take the file the page takes, with the same
/// checks, and check-registry checks what the hub uses. No ClickHouse: the registry lives beside it.
/// </summary>
public sealed class RegistryCommandTests : IDisposable
{
    private static readonly string ShippedFile = Path.Combine(DemoHubFixture.RepositoryRoot, "hub", "Norsjo.Retail.Hub", "registry.yaml");
    private readonly TempFolder _folder = new("registry-commands");

    public RegistryCommandTests() => File.Copy(ShippedFile, Path.Combine(_folder.Path, "registry.yaml"));

    public void Dispose() => _folder.Dispose();

    private string Database => Path.Combine(_folder.Path, "operational.db");

    private string FileNamed(string name) => Path.Combine(_folder.Path, name);

    /// <summary>The command as the hub's binary runs it, with what it printed (the tests run one at a time, so the console is theirs).</summary>
    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (Console.Out, Console.Error);
        using var printed = new StringWriter();
        using var complained = new StringWriter();
        Console.SetOut(printed);
        Console.SetError(complained);
        try
        {
            var exit = await HubCommandLine.RunAsync([.. args, "--contentRoot=" + _folder.Path, "--Operational:SqlitePath=" + Database]);
            return (exit, printed.ToString(), complained.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }

    private RegistryFacts Facts()
    {
        var store = new OperationalStore(Options.Create(new OperationalOptions { SqlitePath = Database }), NullLogger<OperationalStore>.Instance);
        return new(store, new RegistrySeed(ShippedFile, RegistryFile.Load(ShippedFile)), Norsjo.Retail.Hub.Tenancy.Municipality.First, TimeProvider.System,
            new RegistryChangeWatch(store, TimeProvider.System), NullLogger<RegistryFacts>.Instance);
    }

    [Fact]
    public async Task Export_import_export_is_byte_equal_and_an_import_is_kept_with_who_made_it()
    {
        Assert.Equal(0, (await RunAsync("registry-export", FileNamed("first.yaml"))).Exit);
        var first = await File.ReadAllBytesAsync(FileNamed("first.yaml"));
        var imported = await RunAsync("registry-import", FileNamed("first.yaml"));
        Assert.Equal(0, imported.Exit);
        Assert.Contains("0 ändrade", imported.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("registry-export", FileNamed("second.yaml"))).Exit);
        Assert.Equal(first, await File.ReadAllBytesAsync(FileNamed("second.yaml")));

        var renamed = (await File.ReadAllTextAsync(FileNamed("first.yaml"))).Replace("Norsjövallen Butik (exempel)", "Norsjövallens Handel", StringComparison.Ordinal);
        await File.WriteAllTextAsync(FileNamed("renamed.yaml"), renamed);
        var changed = await RunAsync("registry-import", FileNamed("renamed.yaml"));
        Assert.Equal(0, changed.Exit);
        Assert.Contains("1 ändrade", changed.Output, StringComparison.Ordinal);
        var facts = Facts();
        Assert.Equal("Norsjövallens Handel", facts.Current.Find("norsjovallen-butik")!.Name);
        Assert.Equal($"{Environment.UserName} (kommandoraden)", facts.History(RegistryYaml.Store, "norsjovallen-butik")[0].ChangedBy);
        Assert.Equal(0, (await RunAsync("registry-export", FileNamed("third.yaml"))).Exit);
        Assert.Equal(renamed, await File.ReadAllTextAsync(FileNamed("third.yaml")));
    }

    [Fact]
    public async Task An_invalid_file_is_refused_per_field_with_a_nonzero_exit_and_changes_nothing()
    {
        Assert.Equal(0, (await RunAsync("registry-export", FileNamed("good.yaml"))).Exit);
        var good = await File.ReadAllTextAsync(FileNamed("good.yaml"));
        var bad = good.Replace("population: 4100", "population: \"fyratusen\"", StringComparison.Ordinal)
            .Replace("\"mon\": \"08:00-20:00\"", "\"mon\": \"25:00-26:00\"", StringComparison.Ordinal);
        Assert.NotEqual(good, bad);
        await File.WriteAllTextAsync(FileNamed("bad.yaml"), bad);

        var refused = await RunAsync("registry-import", FileNamed("bad.yaml"));
        Assert.NotEqual(0, refused.Exit);
        var lines = refused.Error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("years[0].population", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("stores[0].hours.mon", StringComparison.Ordinal));
        Assert.Contains("inte", refused.Error, StringComparison.Ordinal); // the parser's Swedish, not a stack trace
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("registry-export", FileNamed("after.yaml"))).Exit);
        Assert.Equal(good, await File.ReadAllTextAsync(FileNamed("after.yaml")));
        Assert.Equal(2, (await RunAsync("registry-import", FileNamed("missing.yaml"))).Exit);
    }

    [Fact]
    public async Task Check_registry_checks_what_the_hub_uses_and_lists_what_is_missing_as_admin_does()
    {
        Assert.Equal(0, (await RunAsync("registry-export", FileNamed("now.yaml"))).Exit);
        // The municipality adds 2025's figures, without saying where they come from.
        await File.AppendAllTextAsync(FileNamed("now.yaml"),
            "  - year: 2025\n    population: 4050\n    national_turnover_per_resident_kr:\n      dagligvaror: 41200\n      sallankopsvaror: 36100\n    income_factor: 1.0\n");
        Assert.Equal(0, (await RunAsync("registry-import", FileNamed("now.yaml"))).Exit);

        var check = await RunAsync("check-registry");
        Assert.Equal(0, check.Exit);
        var lines = check.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains("years 2017, 2025", StringComparison.Ordinal));
        var missing = MissingFact.In(Facts().Current, Norsjo.Retail.Hub.Time.SwedishTime.Today(TimeProvider.System).Year);
        Assert.Contains(missing, m => m is { Year: 2025, What: "källa för befolkningen" });
        Assert.All(missing, m => Assert.Contains(lines, l => l.StartsWith($"{m.Year}: {m.What} saknas", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("2018: ", StringComparison.Ordinal) && l.Contains("räknas med 2017 års siffror", StringComparison.Ordinal));

        // A file given as well is checked by the same rules: a broken one fails with its problems.
        await File.WriteAllTextAsync(FileNamed("broken.yaml"), (await File.ReadAllTextAsync(FileNamed("now.yaml"))).Replace("population: 4050", "population: -3", StringComparison.Ordinal));
        var broken = await RunAsync("check-registry", FileNamed("broken.yaml"));
        Assert.Equal(1, broken.Exit);
        Assert.Contains("years[1].population", broken.Error, StringComparison.Ordinal);
    }
}
