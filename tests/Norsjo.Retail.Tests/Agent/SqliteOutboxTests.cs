using Microsoft.Data.Sqlite;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Agent;

public sealed class SqliteOutboxTests
{
    private static OutboxItems Items(string prefix, int receipts, int deliveries = 0) => new(
        [.. Enumerable.Range(0, receipts).Select(i => new Receipt { ReceiptKey = $"{prefix}-{i}", MinuteOfDay = i })],
        [],
        [.. Enumerable.Range(0, deliveries).Select(i => new HomeDelivery { DeliveryKey = $"{prefix}-d{i}", DistanceM = 100 + i })]);

    private static IEnumerable<string> Keys(PendingBatch batch) =>
        batch.Request.Receipts.Select(r => r.ReceiptKey).Concat(batch.Request.HomeDeliveries.Select(d => d.DeliveryKey));

    [Fact]
    public void Items_leave_oldest_first_in_batches_and_only_when_acknowledged()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        Assert.True(outbox.TryEnqueue(Items("a", 3, deliveries: 1), "file:1", "one.csv"));
        Assert.True(outbox.TryEnqueue(Items("b", 2), "file:2", "two.csv"));

        var first = outbox.NextBatch("store", maxItems: 3, maxBytes: 1 << 20)!;
        Assert.Equal(["a-0", "a-1", "a-2"], Keys(first));
        Assert.Equal("store", first.Request.StoreId);
        // Not acknowledged: the same batch, same id, comes again.
        var again = outbox.NextBatch("store", 3, 1 << 20)!;
        Assert.Equal(first.Request, again.Request);

        outbox.Acknowledge(first.Request.BatchId);
        var second = outbox.NextBatch("store", 3, 1 << 20)!;
        Assert.Equal(["b-0", "b-1", "a-d0"], Keys(second));
        Assert.NotEqual(first.Request.BatchId, second.Request.BatchId);
        outbox.Acknowledge(second.Request.BatchId);
        Assert.Null(outbox.NextBatch("store", 3, 1 << 20));
        Assert.NotNull(outbox.Status().LastSuccess);
        Assert.True(outbox.IsImported("file:1"));
        Assert.False(outbox.IsImported("file:3"));
    }

    [Fact]
    public void A_batch_is_cut_by_size_as_well_as_by_count()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        outbox.TryEnqueue(Items("x", 10), "file:1", "one.csv");

        var batch = outbox.NextBatch("store", maxItems: 100, maxBytes: 30)!;

        Assert.InRange(batch.Request.Receipts.Count, 1, 9);
    }

    [Fact]
    public void What_was_enqueued_and_the_batch_it_was_put_in_are_there_after_the_process_is_gone()
    {
        using var folder = new TempFolder("outbox");
        string batchId;
        using (var outbox = new SqliteOutbox(folder.Path))
        {
            outbox.TryEnqueue(Items("kept", 4), "file:1", "one.csv");
            batchId = outbox.NextBatch("store", 2, 1 << 20)!.Request.BatchId;
            outbox.RecordAttempt(batchId);
        }

        // Nothing of the first instance is shared: no pooled connection may hide unflushed state.
        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteOutbox(folder.Path);
        var pending = reopened.NextBatch("store", 2, 1 << 20)!;
        Assert.Equal(batchId, pending.Request.BatchId);
        Assert.Equal(["kept-0", "kept-1"], Keys(pending));
        Assert.Equal(1, pending.Attempts);
        Assert.Equal(4, reopened.Status().Items);
        Assert.True(reopened.IsImported("file:1"));
        Assert.Null(reopened.Recovery);
    }

    [Fact]
    public void A_refused_batch_is_set_aside_not_dropped()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        outbox.TryEnqueue(Items("bad", 1), "file:1", "one.csv");
        outbox.TryEnqueue(Items("good", 1), "file:2", "two.csv");

        outbox.SetAside(outbox.NextBatch("store", 1, 1 << 20)!, "InvalidArgument: receipts[0].channel: unknown channel");

        Assert.Equal(["good-0"], Keys(outbox.NextBatch("store", 1, 1 << 20)!));
        var status = outbox.Status();
        Assert.Equal(1, status.Rejected);
        Assert.StartsWith("refused: InvalidArgument", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_the_hub_names_is_set_aside_and_the_rest_of_its_batch_goes_again_under_the_same_id()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        outbox.TryEnqueue(Items("r", 4, deliveries: 2), "file:1", "one.csv");
        var batch = outbox.NextBatch("store", 10, 1 << 20)!;

        Assert.True(outbox.SetAsideItem(batch, "receipts[2].date: 2019-05-05 is before the store's first day 2020-01-01"));
        Assert.True(outbox.SetAsideItem(outbox.NextBatch("store", 10, 1 << 20)!, "home_deliveries[1].distance_m: cannot be negative"));
        Assert.False(outbox.SetAsideItem(batch, "batch_id: must be 1–64 characters"));

        var again = outbox.NextBatch("store", 10, 1 << 20)!;
        Assert.Equal(batch.Request.BatchId, again.Request.BatchId);
        Assert.Equal(["r-0", "r-1", "r-3", "r-d0"], Keys(again));
        Assert.Equal(2, outbox.Status().Rejected);
    }

    [Fact]
    public void A_full_outbox_refuses_the_whole_input_and_says_when_it_is_nearly_full()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path, capacity: 10);

        Assert.True(outbox.TryEnqueue(Items("a", 8), "file:1", "one.csv"));
        Assert.False(outbox.Status().NearlyFull);
        Assert.False(outbox.TryEnqueue(Items("b", 3), "file:2", "two.csv"));
        Assert.False(outbox.IsImported("file:2"));
        Assert.True(outbox.TryEnqueue(Items("c", 1), "file:3", "three.csv"));
        Assert.True(outbox.Status().NearlyFull);
        Assert.Equal(9, outbox.Status().Items);
    }

    [Fact]
    public async Task A_waiting_uploader_wakes_when_something_is_enqueued()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        var waiting = outbox.WaitForWorkAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        outbox.TryEnqueue(Items("x", 1), "file:1", "one.csv");

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_damaged_outbox_is_set_aside_and_every_intact_item_is_kept()
    {
        using var folder = new TempFolder("outbox");
        var path = Path.Combine(folder.Path, SqliteOutbox.FileName);
        using (var outbox = new SqliteOutbox(folder.Path))
        {
            for (var file = 0; file < 20; file++)
            {
                outbox.TryEnqueue(Items($"f{file}", 50), $"file:{file}", $"{file}.csv");
            }
        }

        SqliteConnection.ClearAllPools();
        using (var checkpoint = new SqliteConnection($"Data Source={path}"))
        {
            checkpoint.Open();
            using var command = checkpoint.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        var middlePage = bytes.Length / pageSize / 2;
        new Random(7).NextBytes(bytes.AsSpan(middlePage * pageSize, pageSize));
        File.WriteAllBytes(path, bytes);

        using var recovered = new SqliteOutbox(folder.Path);

        var report = Assert.IsType<OutboxRecoveryReport>(recovered.Recovery);
        Assert.True(File.Exists(report.DamagedCopy));
        Assert.InRange(report.ItemsSaved, 800, 999);
        Assert.Equal(report.ItemsSaved, recovered.Status().Items);
        var keys = new HashSet<string>();
        while (recovered.NextBatch("store", 500, 1 << 20) is { } batch)
        {
            keys.UnionWith(Keys(batch));
            recovered.Acknowledge(batch.Request.BatchId);
        }

        Assert.Equal(report.ItemsSaved, keys.Count);
        Assert.All(keys, k => Assert.Matches("^f\\d+-\\d+$", k));
    }
}
