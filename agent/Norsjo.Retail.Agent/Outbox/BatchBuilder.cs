using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>Cuts anonymised receipts into upload batches, each with the id the hub deduplicates on.</summary>
public static class BatchBuilder
{
    public static string AgentVersion { get; } =
        typeof(BatchBuilder).Assembly.GetName().Version?.ToString() ?? "0";

    public static IReadOnlyList<UploadBatchRequest> ForReceipts(string storeId, IReadOnlyList<Receipt> receipts, int maxPerBatch)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerBatch, 1);
        return receipts.Chunk(maxPerBatch)
            .Select(chunk =>
            {
                var batch = new UploadBatchRequest { BatchId = Guid.NewGuid().ToString(), StoreId = storeId, AgentVersion = AgentVersion };
                batch.Receipts.AddRange(chunk);
                return batch;
            })
            .ToList();
    }
}
