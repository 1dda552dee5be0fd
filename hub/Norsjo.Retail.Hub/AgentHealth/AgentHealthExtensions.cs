namespace Norsjo.Retail.Hub.AgentHealth;

public static class AgentHealthExtensions
{
    /// <summary>The agents' health and connection logs (operational store). Registered with the store operations, which erase them too.</summary>
    public static WebApplicationBuilder AddAgentHealth(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AgentHealthStore>();
        builder.Services.AddSingleton<ConnectionLogs>();
        return builder;
    }
}
