using System.Text.Json;
using Dapper;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>A distance between two villages, by road, as the municipality gives it.</summary>
public sealed record VillageDistance(string From, string To, decimal Km);

/// <summary>One stored change of a place: "set" (an edit), "confirm" (still true) or "remove".</summary>
public sealed record ServicePointChange(long Id, string PointId, string Action, ServicePointEntry? Entry, string ChangedBy, DateTimeOffset ChangedAt);

/// <summary>
/// The kommunöversikt in the operational store: every change of a place is a row (who, when, what
/// it said), so the entry of today, when it was last confirmed and what a village gained or lost
/// over time (<see cref="ServiceWatch"/>) all come from one append-only history. Distances between
/// villages are one row per pair. On a deployment's first start the seed file fills both; after
/// that the store is the truth.
/// </summary>
public sealed partial class ServicePointStore(OperationalStore store, ServicePointSeed seed, Tenancy.Municipality municipality, TimeProvider time, ILogger<ServicePointStore> logger)
{
    public const string Set = "set";
    public const string Confirm = "confirm";
    public const string Remove = "remove";

    /// <summary>The changed_by of the rows the seed file wrote.</summary>
    public const string SeededBy = "servicefilen";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Row(long Id, string PointId, string Action, string Entry, string ChangedBy, long ChangedUnixMs);

    private sealed record HistoryRow(string Municipality, long Id, string PointId, string Action, string Entry, string ChangedBy, long ChangedUnixMs);

    private sealed record DistanceRow(string VillageA, string VillageB, long DistanceM);

    /// <summary>Every change, oldest first.</summary>
    public async Task<IReadOnlyList<ServicePointChange>> HistoryAsync(CancellationToken cancellationToken = default) =>
        (await HistoriesAsync(store, municipality.Id, cancellationToken).ConfigureAwait(false))[municipality.Id].ToList();

    /// <summary>Every change of one municipality's places, or of every municipality's (the region's call reads them in one statement), oldest first.</summary>
    public static async Task<ILookup<string, ServicePointChange>> HistoriesAsync(OperationalStore store, string? municipalityId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<HistoryRow>(new CommandDefinition(
            "SELECT municipality AS Municipality, id AS Id, point_id AS PointId, action AS Action, entry AS Entry, changed_by AS ChangedBy, changed_unix_ms AS ChangedUnixMs " +
            $"FROM service_point_changes {(municipalityId is null ? string.Empty : "WHERE municipality = @Municipality ")}ORDER BY id",
            new { Municipality = municipalityId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToLookup(r => r.Municipality, r => new ServicePointChange(r.Id, r.PointId, r.Action,
            r.Entry.Length == 0 ? null : JsonSerializer.Deserialize<ServicePointEntry>(r.Entry, Json), r.ChangedBy, DateTimeOffset.FromUnixTimeMilliseconds(r.ChangedUnixMs)), StringComparer.Ordinal);
    }

    /// <summary>The places as they hold now, with a shop's name, village and hours from the registry (a shop no longer in it is left out).</summary>
    public async Task<IReadOnlyList<ServicePoint>> CurrentAsync(StoreRegistry registry, CancellationToken cancellationToken = default) =>
        Resolve(await HistoryAsync(cancellationToken).ConfigureAwait(false), registry);

    /// <summary>Replays the history: each point's latest edit, confirmed by its latest edit or confirmation.</summary>
    public static IReadOnlyList<ServicePoint> Resolve(IEnumerable<ServicePointChange> history, StoreRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var points = new Dictionary<string, (ServicePointEntry Entry, DateTimeOffset At, string By)>(StringComparer.Ordinal);
        foreach (var change in history)
        {
            switch (change.Action)
            {
                case Set when change.Entry is not null:
                    points[change.PointId] = (change.Entry, change.ChangedAt, change.ChangedBy);
                    break;
                case Confirm when points.TryGetValue(change.PointId, out var held):
                    points[change.PointId] = held with { At = change.ChangedAt, By = change.ChangedBy };
                    break;
                case Remove:
                    points.Remove(change.PointId);
                    break;
            }
        }

        return [.. points.Select(p => Point(p.Key, p.Value.Entry, p.Value.At, p.Value.By, registry)).OfType<ServicePoint>()
            .OrderBy(p => p.Village, StringComparer.CurrentCulture).ThenBy(p => p.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>The entry as a place, or null for a shop the registry no longer has.</summary>
    public static ServicePoint? Point(string id, ServicePointEntry entry, DateTimeOffset confirmedAt, string confirmedBy, StoreRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.Find(id) is { } shop)
        {
            return new ServicePoint(id, true, shop.Name, shop.Village, shop.Hours, entry, confirmedAt, confirmedBy);
        }

        if (entry.Name is null || entry.Village is null || entry.Hours is null)
        {
            return null;
        }

        var hours = RegistryFile.ParseHours(entry.Hours.Select(h => (h.Key, h.Value)), out _) ?? new OpeningHours(new Dictionary<DayOfWeek, IReadOnlyList<(TimeOnly, TimeOnly)>>());
        return new ServicePoint(id, false, entry.Name, entry.Village, hours, entry, confirmedAt, confirmedBy);
    }

    /// <summary>Stores an edit; an edit that changes nothing is kept as a confirmation (whoever saved it says it is still right).</summary>
    public async Task SetAsync(string id, ServicePointEntry entry, string changedBy, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(entry, Json);
        await store.ExclusiveAsync(async (connection, transaction) =>
        {
            var latest = await connection.QueryFirstOrDefaultAsync<Row>(
                "SELECT id AS Id, point_id AS PointId, action AS Action, entry AS Entry, changed_by AS ChangedBy, changed_unix_ms AS ChangedUnixMs FROM service_point_changes WHERE municipality = @Municipality AND point_id = @Id AND action <> @Confirm ORDER BY id DESC LIMIT 1",
                new { Municipality = municipality.Id, Id = id, Confirm }, transaction).ConfigureAwait(false);
            var action = latest is { Action: Set } && latest.Entry == json ? Confirm : Set;
            await Insert(connection, transaction, id, action, action == Set ? json : string.Empty, changedBy).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        LogChanged(logger, id);
    }

    /// <summary>"Stämmer fortfarande": the entry is confirmed as it is. False when there is no such place.</summary>
    public Task<bool> ConfirmAsync(string id, string changedBy, CancellationToken cancellationToken = default) => Latest(id, Confirm, changedBy, cancellationToken);

    /// <summary>The place is gone (its history stays). False when there is no such place.</summary>
    public Task<bool> RemoveAsync(string id, string changedBy, CancellationToken cancellationToken = default) => Latest(id, Remove, changedBy, cancellationToken);

    public async Task<IReadOnlyList<VillageDistance>> DistancesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DistanceRow>(new CommandDefinition(
            "SELECT village_a AS VillageA, village_b AS VillageB, distance_m AS DistanceM FROM village_distances WHERE municipality = @Municipality ORDER BY village_a, village_b",
            new { Municipality = municipality.Id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new VillageDistance(r.VillageA, r.VillageB, r.DistanceM / 1000m))];
    }

    /// <summary>Replaces the whole table (the page edits it as one table).</summary>
    public Task SetDistancesAsync(IReadOnlyList<VillageDistance> distances, string changedBy, CancellationToken cancellationToken = default) =>
        store.ExclusiveAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("DELETE FROM village_distances WHERE municipality = @Municipality", new { Municipality = municipality.Id }, transaction).ConfigureAwait(false);
            await InsertDistances(connection, transaction, distances, changedBy).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    /// <summary>Fills an empty deployment from the seed file, once (two hubs starting together seed once).</summary>
    public async Task EnsureSeededAsync(CancellationToken cancellationToken = default)
    {
        if (seed.Points.Count == 0 && seed.Distances.Count == 0)
        {
            return;
        }

        var seeded = await store.ExclusiveAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM municipality_seeds WHERE municipality = @Municipality AND kind = @Kind",
                new { Municipality = municipality.Id, Kind = OperationalSchema.ServicePointSeedKind }, transaction).ConfigureAwait(false) > 0)
            {
                return false;
            }

            foreach (var (id, entry) in seed.Points)
            {
                await Insert(connection, transaction, id, Set, JsonSerializer.Serialize(entry, Json), SeededBy).ConfigureAwait(false);
            }

            await InsertDistances(connection, transaction, seed.Distances, SeededBy).ConfigureAwait(false);
            await connection.ExecuteAsync("INSERT INTO municipality_seeds (municipality, kind, seeded_unix_ms) VALUES (@Municipality, @Kind, @Now)",
                new { Municipality = municipality.Id, Kind = OperationalSchema.ServicePointSeedKind, Now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (seeded)
        {
            LogSeeded(logger, seed.Points.Count, seed.Path);
        }
    }

    private async Task<bool> Latest(string id, string action, string changedBy, CancellationToken cancellationToken)
    {
        var done = await store.ExclusiveAsync(async (connection, transaction) =>
        {
            var latest = await connection.ExecuteScalarAsync<string?>(
                "SELECT action FROM service_point_changes WHERE municipality = @Municipality AND point_id = @Id AND action <> @Confirm ORDER BY id DESC LIMIT 1",
                new { Municipality = municipality.Id, Id = id, Confirm }, transaction).ConfigureAwait(false);
            if (latest != Set)
            {
                return false;
            }

            await Insert(connection, transaction, id, action, string.Empty, changedBy).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (done)
        {
            LogChanged(logger, id);
        }

        return done;
    }

    private Task<int> Insert(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string id, string action, string json, string changedBy) =>
        connection.ExecuteAsync(
            "INSERT INTO service_point_changes (municipality, point_id, action, entry, changed_by, changed_unix_ms) VALUES (@Municipality, @Id, @Action, @Entry, @By, @At)",
            new { Municipality = municipality.Id, Id = id, Action = action, Entry = json, By = changedBy, At = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction);

    private Task<int> InsertDistances(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, IEnumerable<VillageDistance> distances, string changedBy) =>
        connection.ExecuteAsync(
            "INSERT INTO village_distances (municipality, village_a, village_b, distance_m, changed_by, changed_unix_ms) VALUES (@Municipality, @A, @B, @M, @By, @At)",
            distances.Select(d => new { Municipality = municipality.Id, A = d.From, B = d.To, M = (long)Math.Round(d.Km * 1000m), By = changedBy, At = time.GetUtcNow().ToUnixTimeMilliseconds() }),
            transaction);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service points: seeded {Count} place(s) from {Path}")]
    private static partial void LogSeeded(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service points: {Id} changed")]
    private static partial void LogChanged(ILogger logger, string id);
}
