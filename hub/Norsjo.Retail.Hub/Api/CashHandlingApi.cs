using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.CashHandling;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.SalesIndex;

namespace Norsjo.Retail.Hub.Api;

/// <summary>The municipality's kontanthantering section (issue 19): service volumes and the cash share per village and month, under the disclosure rule.</summary>
public static class CashHandlingApi
{
    public static RouteGroupBuilder MapCashHandlingApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGroup("/municipality").RequireAuthorization("municipality").WithTags("Kommunen")
            .MapGet("/cash-handling", GetCashHandling).WithName(nameof(GetCashHandling))
            .WithSummary("Kontanthantering per village and whole month (from/to as YYYY-MM, the last 12 by default): cash withdrawals (count, kronor), parcels, bills, pharmacy pick-ups, the cash share of payments, and the same month a year before; cells that fail the rule held back with the reason");
        return api;
    }

    public static async Task<Ok<CashHandlingReport>> GetCashHandling(
        string? from, string? to, SalesIndexService index, MunicipalFigures figures, CancellationToken ct)
    {
        var (f, t) = ApiRequest.Months(from, to, index.CurrentMonth);
        return TypedResults.Ok(await figures.CashHandlingAsync(f, t, ct).ConfigureAwait(false));
    }
}
