using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// An installation from before municipalities were tenants: its operational store made by steps
/// 1–21 only, holding what that hub wrote (the registry seeded from its file, its seed marker, the
/// municipality's user). Started with today's hub it is migrated into one municipality (step 30)
/// and answers every municipal route as a hub installed today from the same file and data does.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class SingleMunicipalityMigrationTests(ClickHouseServerFixture clickHouse)
{
    private const string OldHubUser = "kommunen";

    /// <summary>What the hub before step 30 wrote into a new store: steps 1–21, the registry file's items as seeded rows and the seed marker, one municipal user.</summary>
    private static void MakeStoreOfBeforeTenants(string path, string registryYaml)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        void Run(string sql, params (string Name, object Value)[] parameters)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            command.ExecuteNonQuery();
        }

        Run("CREATE TABLE operational_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_unix_ms BIGINT NOT NULL)");
        foreach (var step in OperationalSchema.Steps.Where(s => s.Version <= 21))
        {
            foreach (var statement in step.Statements(OperationalDialect.Sqlite))
            {
                Run(statement);
            }

            Run("INSERT INTO operational_migrations VALUES (@v, @n, 1)", ("@v", step.Version), ("@n", step.Name));
        }

        foreach (var item in RegistryYaml.Items(RegistryFile.Parse(registryYaml)))
        {
            Run("INSERT INTO registry_changes (kind, item_key, valid_from, yaml, old_yaml, changed_by, changed_unix_ms) VALUES (@k, @key, '0001-01-01', @y, '', @by, 1)",
                ("@k", item.Kind), ("@key", item.Key), ("@y", item.Yaml), ("@by", RegistryFacts.SeededBy));
        }

        Run("INSERT INTO operational_migrations VALUES (@v, 'registry seeded from its file', 1)", ("@v", OperationalSchema.RegistrySeedVersion));
        var hash = new PasswordHasher<User>().HashPassword(new User(OldHubUser, UserRole.Municipality, []), DisclosureTests.Data.Password);
        Run("INSERT INTO users (username, password_hash, role, stores, disabled, changed_unix_ms) VALUES (@u, @h, 'municipality', '', 0, 1)", ("@u", OldHubUser), ("@h", hash));
    }

    private static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task An_installation_from_before_tenants_is_migrated_into_one_municipality_and_answers_as_before()
    {
        var registry = DisclosureTests.Data.Registry();
        var database = ClickHouseServerFixture.NewDatabaseName();
        var store = RunningHub.OperationalStorePath(database);
        MakeStoreOfBeforeTenants(store, registry);
        var seededRows = Count(store, "SELECT count(*) FROM registry_changes");

        await using var migrated = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(Database: database) { Registry = registry });
        await using var fresh = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { Registry = registry });
        using var before = await DisclosureTests.Data.SignedInAsync(migrated, OldHubUser); // the old hub's user, as it was stored
        await DisclosureTests.Data.SeedAsync(fresh, new KnownFigures());
        await DisclosureTests.Data.SeedAsync(migrated, new KnownFigures());

        // Migrated, not seeded again: the old rows are the first municipality's, and no new ones were written.
        Assert.Equal(seededRows, Count(store, "SELECT count(*) FROM registry_changes"));
        Assert.Equal(seededRows, Count(store, $"SELECT count(*) FROM registry_changes WHERE municipality = '{Norsjo.Retail.Hub.Tenancy.Municipality.FirstId}'"));
        Assert.Equal(1, Count(store, "SELECT count(*) FROM municipality_seeds WHERE kind = 'registry'"));
        Assert.Equal(fresh.Services.GetRequiredService<RegistryFacts>().Export(), migrated.Services.GetRequiredService<RegistryFacts>().Export());

        using var today = await DisclosureTests.Data.SignedInAsync(fresh, OldHubUser);
        string[] routes =
        [
            "/api/municipality/stores", "/api/municipality/index/basis", "/api/municipality/index/years/2025",
            "/api/municipality/index/rolling?from=2024-06&to=2025-11", "/api/municipality/villages?from=2024-12&to=2025-11",
            "/api/municipality/cash-share?from=2025-06&to=2025-11", "/api/municipality/deliveries?month=2025-11",
            "/api/municipality/cash-handling?from=2025-06&to=2025-11", "/api/municipality/subsidy/claim/2025",
        ];
        foreach (var route in routes)
        {
            using var a = await before.GetAsync(new Uri(route, UriKind.Relative));
            using var b = await today.GetAsync(new Uri(route, UriKind.Relative));
            Assert.True(a.StatusCode == b.StatusCode, $"{route}: {a.StatusCode} migrated, {b.StatusCode} new");
            Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden, $"{route}: {a.StatusCode}");
            Assert.Equal(await b.Content.ReadAsStringAsync(), await a.Content.ReadAsStringAsync());
        }
    }
}
