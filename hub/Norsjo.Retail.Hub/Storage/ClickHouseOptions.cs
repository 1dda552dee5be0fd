namespace Norsjo.Retail.Hub.Storage;

/// <summary>Where the hub keeps its data. Without a <see cref="Url"/> the hub runs its own server.</summary>
public sealed class ClickHouseOptions
{
    public const string Section = "ClickHouse";

    /// <summary>
    /// HTTP address of an existing server, e.g. http://ch1:8123, or of several replicas of one
    /// cluster separated by commas (the hub uses the first that answers). Empty: start a local one.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// The cluster (a remote_servers entry on every node) to keep the data on. Set: the hub creates
    /// the schema ON CLUSTER as replicated tables with Distributed tables over them (see
    /// Storage/Migrations/cluster-schema.sql) and inserts synchronously. Needs <see cref="Url"/>.
    /// </summary>
    public string? Cluster { get; set; }

    public string Database { get; set; } = "norsjo_retail";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Longest one ClickHouse call may take before the hub gives up and answers UNAVAILABLE.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Folder for the local server's data, logs and configuration (only without <see cref="Url"/>).</summary>
    public string DataDirectory { get; set; } = Path.Combine("data", "clickhouse");

    /// <summary>
    /// For command-line tools: use the local server a running hub already started on
    /// <see cref="DataDirectory"/> instead of starting one.
    /// </summary>
    public bool AttachToRunningLocalServer { get; set; }

    /// <summary>
    /// The local server's HTTP and native ports (only without <see cref="Url"/>); 0 = a free port at
    /// every start. Fixed ones let Grafana's data source keep its address across hub restarts.
    /// </summary>
    public int LocalHttpPort { get; set; }

    public int LocalTcpPort { get; set; }

    /// <summary>Explicit path to clickhouse-server or clickhouse; empty means search the usual places.</summary>
    public string? ServerBinary { get; set; }
}
