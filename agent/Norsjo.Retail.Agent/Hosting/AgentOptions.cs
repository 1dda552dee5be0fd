using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.Agent.Sources.Sie;

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

    /// <summary>Where the till writes its receipt exports (CSV, JSON lines). Empty: that source is off.</summary>
    public string? ExportFolder { get; set; }

    /// <summary>Where SIE 4 exports arrive. Empty: that source is off.</summary>
    public string? SieFolder { get; set; }

    /// <summary>Which accounts mean sales, VAT and payments in SIE files; BAS where not set.</summary>
    public SieAccounts Sie { get; set; } = new();

    /// <summary>The POS plug-in endpoint (gRPC on loopback). Off unless enabled.</summary>
    public PosPluginOptions PosPlugin { get; set; } = new();

    /// <summary>Road distance in metres from the store to each locality it delivers to, e.g. "Kusfors": 12000.</summary>
    public Dictionary<string, int> Localities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Most items the outbox holds; past 90 % the agent warns, when full sources wait.</summary>
    public int OutboxCapacity { get; set; } = 500_000;

    /// <summary>When the outbox had to be rebuilt, files taken within this time are sent again.</summary>
    public TimeSpan ReimportAfterRecovery { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the export folder is looked at, besides file-system notifications.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A file must stay unchanged this long before it is read, so a half-written export is never taken.</summary>
    public TimeSpan FileSettleTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How the till writes its export files: finished files (taken and moved aside), or files that grow (read as they grow, left in place).</summary>
    public ExportFileMode ExportFiles { get; set; } = ExportFileMode.Finished;

    /// <summary>A till that writes a marker file (e.g. ".klar": kassa.csv.klar beside kassa.csv) when a file is finished; empty: no marker.</summary>
    public string? FinishedMarker { get; set; }

    /// <summary>A taken file whose writer goes on (it held the file open) is watched this long after its last change; what it gains is taken too.</summary>
    public TimeSpan TakenFilesWatchedFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Receipts of a file stored per transaction: what a file's reading holds in memory at once.</summary>
    public int FileReceiptsPerCommit { get; set; } = LineFileReader.ReceiptsPerChunk;

    /// <summary>Items per upload; with <see cref="MaxBatchBytes"/> keeps each call far below gRPC's 4 MB message limit.</summary>
    public int MaxReceiptsPerBatch { get; set; } = 500;

    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>During a long back-off, how often the hub is looked at (gRPC health check) to send as soon as it is back.</summary>
    public TimeSpan HubProbeInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>After a full disk, intake resumes once this much is free again (bytes), so it does not start and stop at every byte.</summary>
    public long ResumeWhenFreeBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How often the agent sends its health and connection log (Ingest.ReportHealth), even with nothing to send; 0 turns the heartbeat off.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>While the hub cannot be reached, the heartbeat looks this often (at most every HealthInterval), so the connection log knows when an outage ended.</summary>
    public TimeSpan OfflineLookInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Contacts with the hub further apart than this leave the time between them out of the connection log (the agent was off or asleep).</summary>
    public TimeSpan ConnectionGap { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class PosPluginOptions
{
    public bool Enabled { get; set; }

    /// <summary>Loopback port the till's plug-in calls (plain HTTP/2: nothing leaves the machine).</summary>
    public int Port { get; set; } = 5090;
}
