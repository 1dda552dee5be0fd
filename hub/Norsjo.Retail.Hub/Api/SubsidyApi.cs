using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Subsidy;

namespace Norsjo.Retail.Hub.Api;

/// <param name="Produced">How many statements were produced now (0 when the month's were already there).</param>
public sealed record ProducedStatements(int Produced);

/// <summary>
/// The home-delivery subsidy: a store's monthly statement (JSON, CSV, printable page) for its owner,
/// the municipality and admins (<see cref="ApiRequest.SubsidyStore"/>); every store's statements and
/// the yearly claim toward the state for the municipality; producing a month's statements for admins.
/// </summary>
public static class SubsidyApi
{
    public static RouteGroupBuilder MapSubsidyApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var subsidy = api.MapGroup("/stores/{storeId}/subsidy/{month}").WithTags("Hemsändningsbidrag");
        subsidy.MapGet("/", GetStatement).WithName(nameof(GetStatement))
            .WithSummary("The store's subsidy statement for a month (YYYY-MM): deliveries judged, reasons, amount due, corrections");
        subsidy.MapGet("/csv", GetStatementCsv).WithName(nameof(GetStatementCsv)).Produces<string>(contentType: "text/csv")
            .WithSummary("The statement as CSV");
        subsidy.MapGet("/print", GetStatementPage).WithName(nameof(GetStatementPage)).Produces<string>(contentType: "text/html")
            .WithSummary("The statement as a printable page");

        var municipality = api.MapGroup("/municipality/subsidy").RequireAuthorization("municipality").WithTags("Kommunen");
        municipality.MapGet("/claim/{year:int}", GetStateClaim).WithName(nameof(GetStateClaim)).WithSummary("The yearly claim toward the state, with its inputs");
        municipality.MapGet("/{month}", GetStatements).WithName(nameof(GetStatements)).WithSummary("Every store's statement for the month, without the lines");

        api.MapPost("/admin/subsidy/{month}/produce", ProduceStatements).WithName(nameof(ProduceStatements))
            .RequireAuthorization("admin").WithTags("Admin").WithSummary("Produce the month's statements now (as the monthly job does); again changes nothing");
        return api;
    }

    public static async Task<Ok<Statement>> GetStatement(
        string storeId, string month, ClaimsPrincipal user, StoreRegistry registry, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
        TypedResults.Ok(await ledger.StatementAsync(ApiRequest.SubsidyStore(user, storeId, registry), ApiRequest.Month(month, index.CurrentMonth), ct).ConfigureAwait(false));

    public static async Task<ContentHttpResult> GetStatementCsv(
        string storeId, string month, ClaimsPrincipal user, StoreRegistry registry, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
        TypedResults.Text(
            SubsidyLedger.Csv(await ledger.StatementAsync(ApiRequest.SubsidyStore(user, storeId, registry), ApiRequest.Month(month, index.CurrentMonth), ct).ConfigureAwait(false)),
            "text/csv; charset=utf-8");

    public static async Task<ContentHttpResult> GetStatementPage(
        string storeId, string month, ClaimsPrincipal user, StoreRegistry registry, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct)
    {
        var id = ApiRequest.SubsidyStore(user, storeId, registry);
        var statement = await ledger.StatementAsync(id, ApiRequest.Month(month, index.CurrentMonth), ct).ConfigureAwait(false);
        return TypedResults.Content(StatementPage.Html(statement, registry.Find(id)!.Name), "text/html; charset=utf-8");
    }

    public static async Task<Ok<StateClaim>> GetStateClaim(int year, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
        TypedResults.Ok(await ledger.ClaimAsync(ApiRequest.Year(year, index.CurrentMonth), ct).ConfigureAwait(false));

    public static async Task<Ok<List<Statement>>> GetStatements(string month, SubsidyLedger ledger, StoreRegistry registry, SalesIndexService index, CancellationToken ct)
    {
        var m = ApiRequest.Month(month, index.CurrentMonth);
        var statements = new List<Statement>();
        foreach (var store in registry.Stores)
        {
            statements.Add((await ledger.StatementAsync(store.Id, m, ct).ConfigureAwait(false)) with { Lines = [] });
        }

        return TypedResults.Ok(statements);
    }

    public static async Task<Ok<ProducedStatements>> ProduceStatements(string month, SubsidyLedger ledger, SalesIndexService index, CancellationToken ct) =>
        TypedResults.Ok(new ProducedStatements(await ledger.ProduceAsync(ApiRequest.Month(month, index.CurrentMonth), ct).ConfigureAwait(false)));
}
