namespace Norsjo.Retail.Agent.Outbox;

/// <summary>
/// How much of its files SQLite keeps in memory per connection (the outbox's, the connection log's and the evidence's,
/// each pooled). SQLite's default is 2,000 KiB a connection, grown to as pages are read and kept until the connection
/// closes: under a burst the agent's pooled connections held 3.4 MB of SQLite's heap between them. Their files are
/// written at their ends and read in order, which a small cache serves as well; the kernel's page cache holds the rest.
/// </summary>
internal static class SqliteCache
{
    /// <summary>Negative: KiB per connection, whatever the page size.</summary>
    public const int KiB = 256;

    /// <summary>Run on each newly opened connection.</summary>
    public static readonly string Pragma = $"PRAGMA cache_size=-{KiB};";
}
