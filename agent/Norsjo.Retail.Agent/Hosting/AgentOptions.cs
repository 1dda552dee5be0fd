namespace Norsjo.Retail.Agent.Hosting;

/// <summary>The agent's settings, section "Agent". Paths may be relative to the working directory.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>The store this agent speaks for, as registered at the hub.</summary>
    public string StoreId { get; set; } = string.Empty;

    /// <summary>Outbox and the store's anonymisation secret. Back it up with the till; never send it anywhere.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The hub's gRPC address.</summary>
    public Uri HubUrl { get; set; } = new("https://127.0.0.1:5081");

    /// <summary>PEM file of the hub's certificate (or its issuer) to trust; empty: the machine's trusted authorities.</summary>
    public string? HubCertificate { get; set; }

    /// <summary>The store's credential for the hub, normally from `enroll`. Secret: never logged.</summary>
    public string Credential { get; set; } = string.Empty;

    /// <summary>Where the till writes its receipt exports (CSV). Empty: the export source is off.</summary>
    public string? ExportFolder { get; set; }

    /// <summary>How often the export folder is looked at, besides file-system notifications.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A file must stay unchanged this long before it is read, so a half-written export is never taken.</summary>
    public TimeSpan FileSettleTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Receipts per upload: keeps each call far below gRPC's 4 MB message limit.</summary>
    public int MaxReceiptsPerBatch { get; set; } = 500;

    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
