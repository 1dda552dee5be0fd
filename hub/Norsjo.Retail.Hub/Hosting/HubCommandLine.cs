using System.Globalization;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Hub.Operations;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// The hub's commands. Without one, the hub runs. The others work on the same ClickHouse the hub
/// uses (beside a running hub, or starting the local server for the moment) and take the same
/// configuration arguments (--ClickHouse:Url=…, --contentRoot …).
/// </summary>
public static class HubCommandLine
{
    public const string Usage = """
        Norsjo.Retail.Hub [run]                           run the hub
        Norsjo.Retail.Hub enroll-code <store-id> [--valid-days N (1-30, default 7)]
                                                          a one-time code for the store's agent (agent: enroll --code …)
        Norsjo.Retail.Hub revoke <store-id>               revoke every credential of the store
        Norsjo.Retail.Hub delete-store-data <store-id> --yes
                                                          delete everything held about the store (end of contract, GDPR)
        Norsjo.Retail.Hub cluster-schema [--cluster NAME] print the schema as replicated + distributed tables
        Norsjo.Retail.Hub check-registry [FILE]           check the registry the hub uses (the operational store) and
                                                          FILE if given: problems, and what is missing, as /admin lists it
        Norsjo.Retail.Hub registry-export FILE            write the whole registry as a registry file (as /admin exports)
        Norsjo.Retail.Hub registry-import FILE            replace the whole registry by FILE, from today, checked as /admin's
                                                          import; recorded as the OS user (kommandoraden); exit 1 if refused
        Norsjo.Retail.Hub run-jobs [--months N]           run the scheduled jobs once now, in order: subsidy statements
                                                          for the last N months (default 36) not yet produced, the
                                                          forecasts, the index outlook, the silent-agent check
        Norsjo.Retail.Hub check-data [--food-share 0.70-0.85]
                                                          check the stored data against the registry: receipts outside
                                                          opening hours, items refused at ingest, food's share of sales;
                                                          prints the figures per store, exit code 1 if any fails
        Norsjo.Retail.Hub add-user <username> --role store_owner|municipality|municipality_editor|region|admin [--stores id,id] [--municipality id]
                                                          add or change a dashboard user; the password is read from
                                                          NORSJO_PASSWORD or, if that is not set, from standard input
        Norsjo.Retail.Hub openapi <file>                  write the API's OpenAPI document (the build does, for the pages' types)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        try
        {
            switch (command)
            {
                case "run":
                    await HubApplication.Build(rest).RunAsync().ConfigureAwait(false);
                    return 0;
                case "enroll-code":
                    return await WithStorageAsync(rest, async (services, storeId, options) =>
                    {
                        int? days = null;
                        if (options.TryGetValue("--valid-days", out var text))
                        {
                            days = int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
                        }

                        try
                        {
                            // The admin page issues codes through the same method (Api/AdminApi.cs).
                            var code = await services.GetRequiredService<StoreCredentials>().IssueForDaysAsync(storeId, days).ConfigureAwait(false);
                            Console.WriteLine($"Enrollment code for {storeId} (valid until {code.ExpiresAt:yyyy-MM-dd HH:mm} UTC, usable once): {code.Code}");
                            Console.WriteLine($"On the shop's machine: Norsjo.Retail.Agent enroll --code {code.Code}");
                            return 0;
                        }
                        catch (ArgumentException e)
                        {
                            Console.Error.WriteLine(e.Message);
                            return 2;
                        }
                    }).ConfigureAwait(false);
                case "revoke":
                    return await WithStorageAsync(rest, async (services, storeId, _) =>
                    {
                        var count = await services.GetRequiredService<StoreCredentials>().RevokeAsync(storeId).ConfigureAwait(false);
                        Console.WriteLine($"Revoked {count} credential(s) of {storeId}. Every hub refuses them within Credentials:CacheTime.");
                        return 0;
                    }).ConfigureAwait(false);
                case "delete-store-data":
                    return await WithStorageAsync(rest, async (services, storeId, options) =>
                    {
                        if (!options.ContainsKey("--yes"))
                        {
                            Console.Error.WriteLine($"This deletes every row of {storeId} for good. Add --yes to do it.");
                            return 2;
                        }

                        var tables = await services.GetRequiredService<StoreDataEraser>().EraseAsync(storeId).ConfigureAwait(false);
                        Console.WriteLine($"Deleted all data of {storeId} from {string.Join(", ", tables)} and revoked its credentials.");
                        return 0;
                    }).ConfigureAwait(false);
                case "add-user":
                    return await AddUserAsync(rest).ConfigureAwait(false);
                case "run-jobs":
                    return await HubJobsNow.RunAsync(rest, Options(rest).GetValueOrDefault("--months", "36")).ConfigureAwait(false);
                case "cluster-schema":
                    var cluster = Options(rest).GetValueOrDefault("--cluster", "norsjo");
                    var builder = WebApplication.CreateBuilder(rest);
                    Console.Write(ClusterSchema.Generate(cluster, builder.Configuration["ClickHouse:Database"] ?? new ClickHouseOptions().Database));
                    return 0;
                case "check-data":
                    return await CheckDataAsync(rest).ConfigureAwait(false);
                case "openapi":
                    return await Api.ApiDocument.WriteAsync(rest).ConfigureAwait(false);
                case "check-registry":
                    return RegistryCommands.Check(rest, CommandHost);
                case "registry-export":
                    return await RegistryCommands.ExportAsync(rest, CommandHost).ConfigureAwait(false);
                case "registry-import":
                    return await RegistryCommands.ImportAsync(rest, CommandHost).ConfigureAwait(false);
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (RegistryFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static async Task<int> AddUserAsync(string[] args)
    {
        var options = Options(args.Length > 0 ? args[1..] : args);
        if (args.Length == 0 || args[0].StartsWith('-') || !options.TryGetValue("--role", out var roleText))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var password = Environment.GetEnvironmentVariable("NORSJO_PASSWORD") ?? Console.In.ReadLine() ?? string.Empty;
        using var host = CommandHost(args[1..]);
        var storage = host.Services.GetRequiredService<ClickHouseStorage>();
        await storage.StartAsync(CancellationToken.None).ConfigureAwait(false);
        await host.Services.GetRequiredService<Operational.ClickHouseImport>().RunAsync().ConfigureAwait(false);
        try
        {
            var stores = options.GetValueOrDefault("--stores", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await host.Services.GetRequiredService<Users.UserStore>().SaveAsync(
                args[0], password.Trim(), Users.UserStore.ParseRole(roleText), stores, options.GetValueOrDefault("--municipality"), CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine($"User {args[0]} saved as {roleText}{(stores.Length > 0 ? " for " + string.Join(", ", stores) : string.Empty)}.");
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            await storage.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<int> CheckDataAsync(string[] args)
    {
        var range = Options(args).GetValueOrDefault("--food-share", "0.70-0.85").Split('-');
        if (range.Length != 2 || !decimal.TryParse(range[0], CultureInfo.InvariantCulture, out var min) || !decimal.TryParse(range[1], CultureInfo.InvariantCulture, out var max))
        {
            Console.Error.WriteLine("--food-share takes a range of shares, e.g. 0.70-0.85");
            return 2;
        }

        using var host = CommandHost(args);
        var storage = host.Services.GetRequiredService<ClickHouseStorage>();
        await storage.StartAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var (passed, lines) = DataCheck.Report(await host.Services.GetRequiredService<DataCheck>().RunAsync().ConfigureAwait(false), min, max);
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }

            Console.WriteLine(passed ? "Data check passed." : "Data check FAILED: see the lines marked FEL.");
            return passed ? 0 : 1;
        }
        finally
        {
            await storage.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<int> WithStorageAsync(string[] args, Func<IServiceProvider, string, Dictionary<string, string>, Task<int>> action)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var storeId = args[0];
        using var host = CommandHost(args[1..]);
        var storage = host.Services.GetRequiredService<ClickHouseStorage>();
        await storage.StartAsync(CancellationToken.None).ConfigureAwait(false);
        await host.Services.GetRequiredService<Operational.ClickHouseImport>().RunAsync().ConfigureAwait(false);
        try
        {
            if (host.Services.GetRequiredService<StoreRegistry>().Find(storeId) is null)
            {
                Console.Error.WriteLine($"'{storeId}' is not in the store registry.");
                return 1;
            }

            return await action(host.Services, storeId, Options(args[1..])).ConfigureAwait(false);
        }
        finally
        {
            await storage.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static WebApplication CommandHost(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Where(a => a != "--yes").ToArray());
        // A command's answer is on standard output; what the hub says while doing it goes to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Configuration["ClickHouse:AttachToRunningLocalServer"] = "true";
        builder.AddStoreRegistry();
        builder.AddClickHouseStorage();
        Operational.OperationalExtensions.AddOperationalStore(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<CredentialOptions>(builder.Configuration.GetSection(CredentialOptions.Section));
        builder.Services.AddSingleton<StoreCredentials>();
        builder.AddStoreOperations();
        builder.Services.AddSingleton<Tenancy.Municipalities>();
        builder.Services.AddSingleton<Users.UserStore>();
        builder.Services.AddSingleton<Ingest.IngestRefusals>();
        return builder.Build();
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--yes")
            {
                options["--yes"] = "true";
            }
            else if (args[i] is "--valid-days" or "--cluster" or "--role" or "--stores" or "--months" && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
        }

        return options;
    }
}
