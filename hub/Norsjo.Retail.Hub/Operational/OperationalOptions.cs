namespace Norsjo.Retail.Hub.Operational;

public sealed class OperationalOptions
{
    public const string Section = "Operational";

    /// <summary>
    /// The operational store's SQLite file (users, sessions, store credentials, enrollment codes, the
    /// data-protection key ring); relative to the working directory, like Jobs:SqlitePath. Mode 0600, its folder 0700 when made here.
    /// </summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "operational.db");

    /// <summary>
    /// A PostgreSQL connection string: when several hubs of one deployment run, they share this store
    /// (like Jobs:PostgreSql). Empty: the SQLite file.
    /// </summary>
    public string? PostgreSql { get; set; }

    /// <summary>
    /// The deployment's name, the data-protection application name: hubs of one deployment share it
    /// (and their store); another deployment's cookies never open here. Empty: the ClickHouse database name.
    /// </summary>
    public string? Deployment { get; set; }
}
