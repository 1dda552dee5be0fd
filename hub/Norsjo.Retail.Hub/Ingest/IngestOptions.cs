namespace Norsjo.Retail.Hub.Ingest;

public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Largest upload accepted; larger ones get RESOURCE_EXHAUSTED. Agents send far less.</summary>
    public int MaxBatchBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Sustained uploads per second from one store, and the burst allowed on top (per hub instance).</summary>
    public int UploadsPerSecondPerStore { get; set; } = 5;

    public int UploadBurstPerStore { get; set; } = 20;

    /// <summary>How far past today (Swedish date) a sale may be dated: a shop clock may be a little wrong, not weeks.</summary>
    public int MaxDaysAhead { get; set; } = 2;
}
