using Grpc.Core;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>Uploads straight to the hub over gRPC, as an agent whose reply got lost would.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class BatchIdempotencyTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-kusfors";
    private const string Credential = "kusfors-test-credential";

    private sealed record Totals(long Receipts, long GrossOre, long Payments);

    [Fact]
    public async Task A_batch_sent_twice_and_a_receipt_in_two_batches_each_count_once()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, (StoreId, Credential));
        var client = hub.Client(out var channel);
        using var _ = channel;
        var headers = RunningHub.Credential(Credential);

        var first = Batch("batch-1", Sale("k1", 12_000), Sale("k2", 3_050));
        var reply = await client.UploadBatchAsync(first, headers);
        Assert.False(reply.AlreadyStored);
        Assert.Equal(2, reply.ReceiptsStored);

        var repeat = await client.UploadBatchAsync(first, headers);
        Assert.True(repeat.AlreadyStored);
        Assert.Equal(0, repeat.ReceiptsStored);

        // k2 again, in a batch of its own id, next to a new receipt.
        var overlapping = await client.UploadBatchAsync(Batch("batch-2", Sale("k2", 3_050), Sale("k3", 999)), headers);
        Assert.False(overlapping.AlreadyStored);

        var totals = (await hub.Database.QueryAsync<Totals>(
            $"""
            SELECT count() AS Receipts, sum(gross_ore) AS GrossOre,
                   (SELECT count() FROM receipt_payments FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}) AS Payments
            FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}
            """)).Single();
        Assert.Equal(new Totals(3, 12_000 + 3_050 + 999, 3), totals);
    }

    [Fact]
    public async Task A_wrong_credential_or_another_stores_id_is_refused_and_nothing_is_stored()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, (StoreId, Credential), ("butik-norsjovallen", "other-credential"));
        var client = hub.Client(out var channel);
        using var _ = channel;

        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            client.UploadBatchAsync(Batch("b-x", Sale("k1", 100)), RunningHub.Credential("guessed")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.UploadBatchAsync(Batch("b-y", Sale("k1", 100))).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);

        var otherStore = await Assert.ThrowsAsync<RpcException>(() =>
            client.UploadBatchAsync(Batch("b-z", Sale("k1", 100)), RunningHub.Credential("other-credential")).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, otherStore.StatusCode);

        var bad = Batch("b-bad", Sale("k1", 100));
        bad.Receipts[0].Lines[0].VatRateBasisPoints = 1900;
        var invalid = await Assert.ThrowsAsync<RpcException>(() => client.UploadBatchAsync(bad, RunningHub.Credential(Credential)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("receipts[0].lines[0].vat_rate_basis_points", invalid.Status.Detail, StringComparison.Ordinal);

        var stored = await hub.Database.QueryAsync<Totals>("SELECT count() AS Receipts, 0 AS GrossOre, 0 AS Payments FROM receipts");
        Assert.Equal(0, stored.Single().Receipts);
    }

    private static UploadBatchRequest Batch(string id, params Receipt[] receipts)
    {
        var batch = new UploadBatchRequest { BatchId = id, StoreId = StoreId, AgentVersion = "test" };
        batch.Receipts.AddRange(receipts);
        return batch;
    }

    private static Receipt Sale(string key, long grossOre) => new()
    {
        ReceiptKey = key,
        Date = new LocalDate { Year = 2026, Month = 11, Day = 20 },
        MinuteOfDay = 600,
        Channel = Channel.InStore,
        Lines = { new ReceiptLine { Category = "dagligvaror", VatRateBasisPoints = 600, GrossOre = grossOre, VatOre = grossOre * 6 / 106, QuantityMilli = 1000 } },
        Payments = { new Payment { Method = PaymentMethod.Card, AmountOre = grossOre } },
    };
}
