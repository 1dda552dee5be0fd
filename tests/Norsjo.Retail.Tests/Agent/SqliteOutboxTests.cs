using Microsoft.Data.Sqlite;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Agent;

public sealed class SqliteOutboxTests
{
    private static UploadBatchRequest Batch(string id, int receipts)
    {
        var batch = new UploadBatchRequest { BatchId = id, StoreId = "s" };
        for (var i = 0; i < receipts; i++)
        {
            batch.Receipts.Add(new Receipt { ReceiptKey = $"{id}-{i}", MinuteOfDay = i });
        }

        return batch;
    }

    [Fact]
    public void Batches_leave_oldest_first_and_only_when_acknowledged()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        outbox.Enqueue([Batch("a", 2), Batch("b", 1)], "file:1", "one.csv");
        outbox.Enqueue([Batch("c", 3)], "file:2", "two.csv");

        Assert.Equal((3, 6), outbox.Pending());
        var first = outbox.Peek()!;
        Assert.Equal("a", first.Request.BatchId);
        Assert.Equal(Batch("a", 2), first.Request);
        Assert.Equal("a", outbox.Peek()!.Request.BatchId);

        outbox.Acknowledge(first.Sequence);
        Assert.Equal("b", outbox.Peek()!.Request.BatchId);
        Assert.True(outbox.IsImported("file:1"));
        Assert.False(outbox.IsImported("file:3"));
    }

    [Fact]
    public void What_was_enqueued_is_there_after_the_process_is_gone()
    {
        using var folder = new TempFolder("outbox");
        using (var outbox = new SqliteOutbox(folder.Path))
        {
            outbox.Enqueue([Batch("kept", 4)], "file:1", "one.csv");
            outbox.RecordAttempt(outbox.Peek()!.Sequence);
        }

        // Nothing of the first instance is shared: no pooled connection may hide unflushed state.
        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteOutbox(folder.Path);
        var pending = reopened.Peek()!;
        Assert.Equal(Batch("kept", 4), pending.Request);
        Assert.Equal(1, pending.Attempts);
        Assert.True(reopened.IsImported("file:1"));
    }

    [Fact]
    public void A_refused_batch_is_set_aside_not_dropped()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        outbox.Enqueue([Batch("bad", 1), Batch("good", 1)], "file:1", "one.csv");

        outbox.SetAside(outbox.Peek()!.Sequence, "InvalidArgument: receipts[0].channel: unknown channel");

        Assert.Equal("good", outbox.Peek()!.Request.BatchId);
        Assert.Equal(1, outbox.RejectedCount());
    }

    [Fact]
    public async Task A_waiting_uploader_wakes_when_something_is_enqueued()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        var waiting = outbox.WaitForWorkAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        outbox.Enqueue([Batch("x", 1)], "file:1", "one.csv");

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
