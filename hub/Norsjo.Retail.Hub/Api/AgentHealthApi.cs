using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.AgentHealth;
using Norsjo.Retail.Hub.Operations;

namespace Norsjo.Retail.Hub.Api;

/// <summary>One store's agent as the admin sees it: the silence check's judgement now, and the agent's latest health report.</summary>
/// <param name="State">sends, cannotUpload, silent or closed (<see cref="AgentStates"/>).</param>
/// <param name="Health">Null for an agent that has never reported its health (an older agent, or none yet).</param>
public sealed record AgentHealthRow(string StoreId, string Name, string Village, string State, string StateText, DateTimeOffset? LastUpload, AgentHealthView? Health);

/// <summary>The admin's view of the agents' health, and the municipality's of their connection logs per village and month.</summary>
public static class AgentHealthApi
{
    public static RouteGroupBuilder MapAgentHealthApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGroup("/admin").RequireAuthorization("admin").WithTags("Admin")
            .MapGet("/agent-health", AgentsAsync).WithName("AgentHealth")
            .WithSummary("Every reporting store's agent: its state now (sänder, kan inte skicka, tyst, stängt) and its latest health report");
        api.MapGroup("/municipality").RequireAuthorization("municipality").WithTags("Kommunen")
            .MapGet("/connection", VillagesAsync).WithName("VillageConnection")
            .WithSummary("The agents' connection logs per village and month (from, to: YYYY-MM; the last 12 months by default), under the disclosure rule");
        return api;
    }

    public static async Task<Ok<AgentHealthRow[]>> AgentsAsync(SilentAgents agents, AgentHealthStore health, CancellationToken ct)
    {
        var reports = await health.LatestAsync(ct).ConfigureAwait(false);
        var now = await agents.NowAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(now.Select(a => new AgentHealthRow(a.StoreId, a.Name, a.Village, a.State, a.StateText, a.LastUpload, reports.GetValueOrDefault(a.StoreId))).ToArray());
    }

    public static async Task<Results<Ok<VillageConnectionMonth[]>, BadRequest<string>>> VillagesAsync(
        string? from, string? to, ConnectionLogs logs, TimeProvider time, CancellationToken ct)
    {
        var current = Time.SwedishTime.CurrentMonth(time);
        if (!TryMonth(to, current, out var last) || !TryMonth(from, last.AddMonths(-11), out var first))
        {
            return TypedResults.BadRequest("from och to anges som ÅÅÅÅ-MM, t.ex. 2026-11.");
        }

        if (first > last || first < last.AddMonths(-35))
        {
            return TypedResults.BadRequest("from måste ligga före to, och högst 36 månader före.");
        }

        return TypedResults.Ok((await logs.VillagesAsync(first, last, ct).ConfigureAwait(false)).ToArray());
    }

    private static bool TryMonth(string? text, DateOnly fallback, out DateOnly month)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            month = fallback;
            return true;
        }

        return DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out month);
    }
}
