namespace Norsjo.Retail.Agent.Outbox;

/// <summary>What the agent says of itself in each batch.</summary>
public static class BatchBuilder
{
    public static string AgentVersion { get; } =
        typeof(BatchBuilder).Assembly.GetName().Version?.ToString() ?? "0";
}
