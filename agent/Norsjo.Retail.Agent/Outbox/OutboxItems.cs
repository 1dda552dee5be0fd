using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>What one source hands the outbox at once: stored together or not at all.</summary>
public sealed record OutboxItems(
    IReadOnlyList<Receipt> Receipts,
    IReadOnlyList<DailyTotal> DailyTotals,
    IReadOnlyList<HomeDelivery> HomeDeliveries)
{
    public static OutboxItems Of(IReadOnlyList<Receipt> receipts) => new(receipts, [], []);

    /// <summary>Service transactions to count (issue 19): the outbox adds each day's count per kind as items of its own.</summary>
    public IReadOnlyList<ServiceEvent> ServiceEvents { get; init; } = [];

    /// <summary>The items stored as they are (service events become day counts in the outbox).</summary>
    public int Count => Receipts.Count + DailyTotals.Count + HomeDeliveries.Count;
}

/// <summary>A batch formed from outbox items, waiting for the hub's acknowledgement.</summary>
public sealed record PendingBatch(UploadBatchRequest Request, int Attempts);

/// <summary>What `status` shows and the uploader records.</summary>
public sealed record OutboxStatus(
    int Items,
    int Capacity,
    int OpenBatches,
    int Rejected,
    int DamagedItems,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastErrorAt,
    string? LastError)
{
    public bool NearlyFull => Items >= Capacity * 0.9;

    /// <summary>Sources whose items are to be sent again from their files (resend_sources).</summary>
    public int SendAgainPending { get; init; }

    /// <summary>Since when the disk has been too full to store anything (this process's view); null when not.</summary>
    public DateTimeOffset? DiskFullSince { get; init; }
}

public enum OutboxItemKind
{
    Receipt = 1,
    DailyTotal = 2,
    HomeDelivery = 3,
    ServiceVolume = 4,
}
