using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>Uploads straight to the hub over gRPC and TLS, as an agent whose reply got lost would.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class BatchIdempotencyTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-kusfors";

    private sealed record Totals(long Receipts, long GrossOre, long Payments);

    [Fact]
    public async Task A_batch_sent_twice_and_a_receipt_in_two_batches_each_count_once()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var headers = RunningHub.Credential(await hub.EnrollAsync(StoreId));
        using var channel = hub.Channel();
        var client = new Contracts.V1.Ingest.IngestClient(channel);

        var first = Batch(StoreId, "batch-1", Sale("k1", 12_000), Sale("k2", 3_050));
        var reply = await client.UploadBatchAsync(first, headers);
        Assert.False(reply.AlreadyStored);
        Assert.Equal(2, reply.ReceiptsStored);

        var repeat = await client.UploadBatchAsync(first, headers);
        Assert.True(repeat.AlreadyStored);
        Assert.Equal(0, repeat.ReceiptsStored);

        // k2 again, in a batch of its own id, next to a new receipt.
        var overlapping = await client.UploadBatchAsync(Batch(StoreId, "batch-2", Sale("k2", 3_050), Sale("k3", 999)), headers);
        Assert.False(overlapping.AlreadyStored);

        var totals = (await hub.Database.QueryAsync<Totals>(
            $"""
            SELECT count() AS Receipts, sum(gross_ore) AS GrossOre,
                   (SELECT count() FROM receipt_payments FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}) AS Payments
            FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}
            """)).Single();
        Assert.Equal(new Totals(3, 12_000 + 3_050 + 999, 3), totals);

        // The day aggregates the index reads are exact too, however often a receipt came.
        var aggregates = (await hub.Database.QueryAsync<Totals>(
            $"""
            SELECT (SELECT sum(receipts) FROM receipts_hourly FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}) AS Receipts,
                   sum(gross_ore) AS GrossOre,
                   (SELECT sum(amount_ore) FROM payments_daily FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}) AS Payments
            FROM sales_daily FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}
            """)).Single();
        Assert.Equal(new Totals(3, 16_049, 16_049), aggregates);
    }
}
