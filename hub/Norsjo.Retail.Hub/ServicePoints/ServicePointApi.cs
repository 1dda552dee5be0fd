using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Exports;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>A place as the admin, the municipality and the shop's owner see it: with who confirmed it last, and whether it is stale.</summary>
public sealed record AdminServicePoint(
    string Id, bool IsShop, string Name, string Village, IReadOnlyDictionary<string, string> Hours, IReadOnlyList<string> Services,
    IReadOnlyList<string> HomeDeliveryVillages, IReadOnlyList<string> Payments, string OtherServices, double Latitude, double Longitude,
    string ConfirmedAt, string ConfirmedBy, bool Stale, bool PossiblyClosed, string? AgentState);

public sealed record ShopChoice(string Id, string Name, string Village);

/// <summary>Every place, stale ones first, with the fixed lists and the shops that have no entry yet.</summary>
public sealed record AdminServicePoints(
    IReadOnlyList<AdminServicePoint> Points, IReadOnlyList<ServiceKind> Services, IReadOnlyList<ServiceKind> Payments,
    IReadOnlyList<ShopChoice> ShopsWithoutEntry, int ConfirmEveryMonths);

/// <summary>A shop's own entry on /butik: whether it is time to confirm it (every quarter).</summary>
public sealed record OwnServicePoint(
    string StoreId, string StoreName, string Village, IReadOnlyDictionary<string, string> Hours, AdminServicePoint? Point,
    bool ConfirmationDue, IReadOnlyList<ServiceKind> Services, IReadOnlyList<ServiceKind> Payments);

public sealed record DistancesView(IReadOnlyList<VillageDistance> Distances);

public sealed record DistancesEdit(IReadOnlyList<DistanceEdit>? Distances);

public sealed record ServiceWatchView(IReadOnlyList<VillageTimeline> Villages);

/// <summary>One place in the open data: the place's facts, never who confirmed them.</summary>
public sealed record OpenServicePoint(
    string Id, string Name, string Kind, string Village, double Latitude, double Longitude, IReadOnlyList<string> Services,
    IReadOnlyList<string> HomeDeliveryVillages, IReadOnlyList<string> Payments, string OtherServices,
    IReadOnlyDictionary<string, string> OpeningHours, string LastConfirmed, bool PossiblyClosed);

/// <summary>RFC 7946: a point is [longitude, latitude], WGS84.</summary>
public sealed record GeoJsonPoint(string Type, IReadOnlyList<double> Coordinates);

public sealed record GeoJsonFeature(string Type, string Id, GeoJsonPoint Geometry, OpenServicePoint Properties);

public sealed record ServicePointsGeoJson(string Type, IReadOnlyList<GeoJsonFeature> Features);

/// <summary>
/// The kommunöversikt's endpoints. Anonymous and rate-limited (<see cref="OpenRequestLimiter"/>): the
/// public page's overview and the open data at stable addresses (/api/open/service-points.json,
/// .csv, .geojson). Signed in: the admin and the registry editor edit places and the distances; the
/// municipality reads the list (stale first) and the service watch; a store owner edits and confirms
/// their own shop's entry, no other (403, checked here by <see cref="ApiRequest.Store"/>).
/// </summary>
public static class ServicePointApi
{
    private static readonly string[] Municipal = [UserStore.RoleName(UserRole.Municipality), UserStore.RoleName(UserRole.MunicipalityEditor), UserStore.RoleName(UserRole.Admin)];

    public static void MapServicePointApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var open = api.MapGroup("/open").AllowAnonymous().WithTags("Öppna data")
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<OpenRequestLimiter>().InvokeAsync(context, next))
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        open.MapGet("/service", PublicOverview).WithName("PublicServiceOverview")
            .WithSummary("The public page: per village what is there, whether it is open now, the nearest place of each service, how to pay (no sign-in)");
        open.MapGet("/service-points.json", OpenJson).WithName("OpenServicePointsJson").WithSummary("Open data: every service point (JSON)");
        open.MapGet("/service-points.csv", OpenCsv).WithName("OpenServicePointsCsv").Produces<string>(contentType: "text/csv")
            .WithSummary("Open data: every service point, one row each (CSV: semicolons, decimal comma)");
        open.MapGet("/service-points.geojson", OpenGeoJson).WithName("OpenServicePointsGeoJson")
            .Produces<ServicePointsGeoJson>(contentType: "application/geo+json")
            .WithSummary("Open data: every service point as an RFC 7946 FeatureCollection ([lon, lat], WGS84)");

        api.MapGet("/municipality/service-points", List).WithName("ServicePointsList").RequireAuthorization(p => p.RequireRole(Municipal)).WithTags("Kommunöversikt")
            .WithSummary("Every service point with who confirmed it and when; stale and possibly closed ones first");
        api.MapGet("/municipality/service-watch", Watch).WithName("ServiceWatch").RequireAuthorization(p => p.RequireRole(Municipal)).WithTags("Kommunöversikt")
            .WithSummary("Services gained or lost per village, with their dates (year: only that year's, for the yearly report)");
        api.MapGet("/municipality/service-distances", Distances).WithName("ServiceDistances").RequireAuthorization(p => p.RequireRole(Municipal)).WithTags("Kommunöversikt")
            .WithSummary("The road distances between villages the nearest-service answers use");

        var admin = api.MapGroup("/admin/service-points").RequireAuthorization("registry").WithTags("Kommunöversikt");
        admin.MapPut("/{pointId}", Put).WithName("ServicePointPut").WithSummary("Add or change a place (a shop from the registry by its store id, or another provider)");
        admin.MapDelete("/{pointId}", Delete).WithName("ServicePointDelete").WithSummary("Remove a place (its history stays; service watch records what the villages lost)");
        admin.MapPost("/{pointId}/confirm", ConfirmByAdmin).WithName("ServicePointConfirm").WithSummary("The place is as described: confirmed now");
        api.MapPut("/admin/service-distances", PutDistances).WithName("ServiceDistancesPut").RequireAuthorization("registry").WithTags("Kommunöversikt")
            .WithSummary("Replace the distances table (road km between villages)");

        var own = api.MapGroup("/stores/{storeId}/service-point").WithTags("Butik");
        own.MapGet("/", Own).WithName("OwnServicePoint").WithSummary("The shop's own entry in the kommunöversikt, and whether it is time to confirm it");
        own.MapPut("/", PutOwn).WithName("OwnServicePointPut").WithSummary("The store owner describes the shop's services and payment methods");
        own.MapPost("/confirm", ConfirmOwn).WithName("OwnServicePointConfirm").WithSummary("\"Stämmer fortfarande\": the owner confirms the entry as it is");
    }

    public static async Task<Ok<PublicServiceOverview>> PublicOverview(
        ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, IOptions<ServicePointOptions> options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(options);
        var registry = facts.Current;
        var current = await points.CurrentAsync(registry, ct).ConfigureAwait(false);
        var closed = await signals.PossiblyClosedAsync(ct).ConfigureAwait(false);
        var distances = await points.DistancesAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(ServiceOverview.Build(registry.Municipality, current, distances, closed.Keys.ToHashSet(StringComparer.Ordinal), time.GetUtcNow(), options.Value.Map));
    }

    public static async Task<Ok<IReadOnlyList<OpenServicePoint>>> OpenJson(ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, CancellationToken ct) =>
        TypedResults.Ok(await OpenAsync(points, facts, signals, ct).ConfigureAwait(false));

    public static async Task<ContentHttpResult> OpenCsv(ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, CancellationToken ct)
    {
        var open = await OpenAsync(points, facts, signals, ct).ConfigureAwait(false);
        var csv = CsvExport.Write(
            // One column per weekday: a day with two intervals ("08:00-12:00, 13:00-18:00") then reads as one cell.
            ["id", "name", "kind", "village", "latitude", "longitude", "services", "home_delivery_villages", "payments", "other_services",
             .. WeekDays.All.Select(d => "hours_" + d.Key), "last_confirmed", "possibly_closed"],
            open.Select(p => (IReadOnlyList<CsvCell>)[
                p.Id, p.Name, p.Kind, p.Village, CsvCell.Number((decimal)p.Latitude, "0.######"), CsvCell.Number((decimal)p.Longitude, "0.######"),
                string.Join(", ", p.Services), string.Join(", ", p.HomeDeliveryVillages), string.Join(", ", p.Payments), p.OtherServices,
                .. WeekDays.All.Select(d => (CsvCell)p.OpeningHours.GetValueOrDefault(d.Key, "closed")), p.LastConfirmed, p.PossiblyClosed ? "true" : "false"]));
        return TypedResults.Text(csv, "text/csv; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<JsonHttpResult<ServicePointsGeoJson>> OpenGeoJson(ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, CancellationToken ct)
    {
        var open = await OpenAsync(points, facts, signals, ct).ConfigureAwait(false);
        var collection = new ServicePointsGeoJson("FeatureCollection",
            [.. open.Select(p => new GeoJsonFeature("Feature", p.Id, new GeoJsonPoint("Point", [p.Longitude, p.Latitude]), p))]);
        return TypedResults.Json(collection, contentType: "application/geo+json");
    }

    public static async Task<Ok<AdminServicePoints>> List(ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(facts);
        var registry = facts.Current;
        var current = await points.CurrentAsync(registry, ct).ConfigureAwait(false);
        var closed = await signals.PossiblyClosedAsync(ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var list = current.Select(p => Admin(p, closed, now))
            .OrderByDescending(p => p.Stale).ThenByDescending(p => p.PossiblyClosed).ThenBy(p => p.ConfirmedAt, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.CurrentCulture)
            .ToList();
        var without = registry.Stores.Where(s => current.All(p => p.Id != s.Id)).Select(s => new ShopChoice(s.Id, s.Name, s.Village)).ToList();
        return TypedResults.Ok(new AdminServicePoints(list, ServiceCatalog.Services, ServiceCatalog.Payments, without, ServicePointFreshness.ConfirmEveryMonths));
    }

    public static async Task<Ok<ServiceWatchView>> Watch(int? year, ServicePointStore points, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        return TypedResults.Ok(WatchOf(year, await points.HistoryAsync(ct).ConfigureAwait(false), facts));
    }

    /// <summary>The service watch from a municipality's history of its places (read by itself, or with every municipality's in the region's call).</summary>
    public static ServiceWatchView WatchOf(int? year, IReadOnlyList<ServicePointChange> history, RegistryFacts facts)
    {
        var timelines = ServiceWatch.Timelines(history, facts);
        if (year is { } y)
        {
            var prefix = y.ToString(CultureInfo.InvariantCulture) + "-";
            timelines = [.. timelines.Select(t => t with { Events = [.. t.Events.Where(e => e.Date.StartsWith(prefix, StringComparison.Ordinal))] }).Where(t => t.Events.Count > 0)];
        }

        return new ServiceWatchView(timelines);
    }

    public static async Task<Ok<DistancesView>> Distances(ServicePointStore points, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        return TypedResults.Ok(new DistancesView(await points.DistancesAsync(ct).ConfigureAwait(false)));
    }

    public static async Task<Results<Ok<DistancesView>, ValidationProblem>> PutDistances(DistancesEdit edit, ClaimsPrincipal user, ServicePointStore points, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(points);
        var distances = DistanceRules.Check(edit.Distances ?? [], out var problems);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems, "Avstånden sparades inte.");
        }

        await points.SetDistancesAsync(distances, Who(user), ct).ConfigureAwait(false);
        return TypedResults.Ok(new DistancesView(await points.DistancesAsync(ct).ConfigureAwait(false)));
    }

    public static Task<Results<Ok<AdminServicePoint>, ValidationProblem>> Put(
        string pointId, ServicePointEdit edit, ClaimsPrincipal user, ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct) =>
        SaveAsync(pointId, edit, user, points, facts, signals, time, ct);

    public static async Task<Results<NoContent, NotFound>> Delete(string pointId, ClaimsPrincipal user, ServicePointStore points, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        return await points.RemoveAsync(pointId, Who(user), ct).ConfigureAwait(false) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    public static Task<Results<Ok<AdminServicePoint>, NotFound>> ConfirmByAdmin(
        string pointId, ClaimsPrincipal user, ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct) =>
        ConfirmAsync(pointId, user, points, facts, signals, time, ct);

    public static async Task<Ok<OwnServicePoint>> Own(string storeId, ClaimsPrincipal user, ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var registry = facts.Current;
        var shop = registry.Find(ApiRequest.Store(user, storeId, registry))!;
        var point = await PointAsync(storeId, points, registry, signals, time, ct).ConfigureAwait(false);
        return TypedResults.Ok(new OwnServicePoint(shop.Id, shop.Name, shop.Village,
            RegistryYaml.HoursText(shop.Hours).ToDictionary(h => h.Day, h => h.Text, StringComparer.Ordinal),
            point, point is null || point.Stale, ServiceCatalog.Services, ServiceCatalog.Payments));
    }

    public static Task<Results<Ok<AdminServicePoint>, ValidationProblem>> PutOwn(
        string storeId, ServicePointEdit edit, ClaimsPrincipal user, ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ApiRequest.Store(user, storeId, facts.Current);
        return SaveAsync(storeId, edit, user, points, facts, signals, time, ct);
    }

    public static Task<Results<Ok<AdminServicePoint>, NotFound>> ConfirmOwn(
        string storeId, ClaimsPrincipal user, ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ApiRequest.Store(user, storeId, facts.Current);
        return ConfirmAsync(storeId, user, points, facts, signals, time, ct);
    }

    private static async Task<Results<Ok<AdminServicePoint>, ValidationProblem>> SaveAsync(
        string pointId, ServicePointEdit edit, ClaimsPrincipal user, ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(facts);
        var registry = facts.Current;
        var entry = ServicePointRules.Check(pointId, edit, registry, out var problems);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems, "Uppgifterna sparades inte.");
        }

        await points.SetAsync(pointId, entry, Who(user), ct).ConfigureAwait(false);
        return TypedResults.Ok((await PointAsync(pointId, points, registry, signals, time, ct).ConfigureAwait(false))!);
    }

    private static async Task<Results<Ok<AdminServicePoint>, NotFound>> ConfirmAsync(
        string pointId, ClaimsPrincipal user, ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(facts);
        if (!await points.ConfirmAsync(pointId, Who(user), ct).ConfigureAwait(false))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok((await PointAsync(pointId, points, facts.Current, signals, time, ct).ConfigureAwait(false))!);
    }

    private static async Task<AdminServicePoint?> PointAsync(string id, ServicePointStore points, StoreRegistry registry, ServicePointSignals signals, TimeProvider time, CancellationToken ct)
    {
        var point = (await points.CurrentAsync(registry, ct).ConfigureAwait(false)).FirstOrDefault(p => p.Id == id);
        return point is null ? null : Admin(point, await signals.PossiblyClosedAsync(ct).ConfigureAwait(false), time.GetUtcNow());
    }

    private static async Task<IReadOnlyList<OpenServicePoint>> OpenAsync(ServicePointStore points, RegistryFacts facts, ServicePointSignals signals, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(signals);
        var current = await points.CurrentAsync(facts.Current, ct).ConfigureAwait(false);
        var closed = await signals.PossiblyClosedAsync(ct).ConfigureAwait(false);
        return [.. current.Select(p => new OpenServicePoint(
            p.Id, p.Name, p.IsShop ? "butik" : "annan", p.Village, p.Entry.Latitude, p.Entry.Longitude, p.Entry.Services, p.Entry.HomeDeliveryVillages,
            p.Entry.Payments, p.Entry.OtherServices, Hours(p), Time.SwedishTime.Local(p.ConfirmedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            closed.ContainsKey(p.Id)))];
    }

    private static AdminServicePoint Admin(ServicePoint p, IReadOnlyDictionary<string, Operations.SilentAgent> closed, DateTimeOffset now) => new(
        p.Id, p.IsShop, p.Name, p.Village, Hours(p), p.Entry.Services, p.Entry.HomeDeliveryVillages, p.Entry.Payments, p.Entry.OtherServices,
        p.Entry.Latitude, p.Entry.Longitude, Time.SwedishTime.Text(p.ConfirmedAt), p.ConfirmedBy, ServicePointFreshness.IsStale(p.ConfirmedAt, now),
        closed.ContainsKey(p.Id), closed.GetValueOrDefault(p.Id)?.State);

    private static Dictionary<string, string> Hours(ServicePoint p) =>
        RegistryYaml.HoursText(p.Hours).ToDictionary(h => h.Day, h => h.Text, StringComparer.Ordinal);

    private static string Who(ClaimsPrincipal user) => user.Identity?.Name ?? "okänd";
}
