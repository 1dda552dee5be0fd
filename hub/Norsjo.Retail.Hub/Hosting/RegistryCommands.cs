using System.Text;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// The registry from the command line, on the operational store the hub uses (no ClickHouse needed):
/// export and import in the file's format with the same checks as /admin's import, and a check of
/// what the hub actually computes with, listing what is missing as /admin does.
/// </summary>
internal static class RegistryCommands
{
    /// <summary>Who an import from the command line is recorded as: the OS user, and where it came from.</summary>
    public static string Who => $"{Environment.UserName} (kommandoraden)";

    public static async Task<int> ExportAsync(string[] args, Func<string[], WebApplication> host)
    {
        if (File(args) is not { } file)
        {
            return Usage();
        }

        using var app = host(args[1..]);
        var facts = Facts(app);
        var registry = facts.Current;
        await System.IO.File.WriteAllTextAsync(file, facts.Export(), new UTF8Encoding(false)).ConfigureAwait(false);
        Console.WriteLine($"Registret ({Summary(registry)}) är skrivet till {file}.");
        return 0;
    }

    public static async Task<int> ImportAsync(string[] args, Func<string[], WebApplication> host)
    {
        if (File(args) is not { } file)
        {
            return Usage();
        }

        if (!System.IO.File.Exists(file))
        {
            Console.Error.WriteLine($"{file} finns inte.");
            return 2;
        }

        var yaml = await System.IO.File.ReadAllTextAsync(file).ConfigureAwait(false);
        using var app = host(args[1..]);
        var facts = Facts(app);
        try
        {
            var changed = await facts.ImportAsync(yaml, Who).ConfigureAwait(false);
            Console.WriteLine($"{file} är inläst: {changed} ändrade poster, från i dag, av {Who}. Nu: {Summary(facts.Current)}.");
            return 0;
        }
        catch (RegistryChangeRefusedException e)
        {
            Console.Error.WriteLine($"{file} lästes inte in, inget ändrades:");
            foreach (var (field, messages) in e.Problems)
            {
                foreach (var message in messages)
                {
                    Console.Error.WriteLine(field.Length == 0 ? message : $"{field}: {message}");
                }
            }

            return 1;
        }
    }

    /// <summary>The store's registry (what the hub uses), then the file if one is given; problems in the file end with exit code 1.</summary>
    public static int Check(string[] args, Func<string[], WebApplication> host)
    {
        var file = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;
        using var app = host(file is null ? args : args[1..]);
        var facts = Facts(app);
        var year = Time.SwedishTime.Today(app.Services.GetRequiredService<TimeProvider>()).Year;
        if (facts.Seeded)
        {
            Report("Registret som hubben använder (driftlagret)", facts.Current, year);
        }
        else
        {
            var seed = app.Services.GetRequiredService<RegistrySeed>();
            Report($"Driftlagret har inget register ännu; hubben fyller det från {seed.Path} vid första start", seed.Registry, year);
        }

        if (file is not null)
        {
            Report(file, RegistryFile.Load(file), year);
        }

        return 0;
    }

    private static void Report(string what, StoreRegistry registry, int year)
    {
        var missing = MissingFact.In(registry, year);
        Console.WriteLine($"{what}: {Summary(registry)}. {(missing.Count == 0 ? "Inget saknas." : $"Saknas ({missing.Count}), som på /admin:")}");
        foreach (var fact in missing)
        {
            Console.WriteLine(fact.Text);
        }
    }

    private static string Summary(StoreRegistry registry) =>
        $"{registry.Municipality}: {registry.Stores.Count} stores, years {string.Join(", ", registry.Years.Select(y => y.Year))}";

    private static RegistryFacts Facts(WebApplication app)
    {
        app.Services.GetRequiredService<OperationalStore>().EnsureMigrated();
        return app.Services.GetRequiredService<RegistryFacts>();
    }

    private static string? File(string[] args) => args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;

    private static int Usage()
    {
        Console.Error.WriteLine(HubCommandLine.Usage);
        return 2;
    }
}
