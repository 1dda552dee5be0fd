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

    [Fact]
    public void A_rebuilt_outbox_keeps_the_service_transactions_it_counted_so_a_file_read_again_does_not_shrink_the_day()
    {
        using var folder = new TempFolder("outbox");
        var path = Path.Combine(folder.Path, SqliteOutbox.FileName);
        var day = new DateOnly(2026, 10, 5);
        ServiceEvent Withdrawal(int n) => new(day, ServiceKind.Kontantuttag, $"uttag-{n}", 20_000);
        static List<(int Count, long AmountOre)> Drain(SqliteOutbox outbox)
        {
            var volumes = new List<(int, long)>();
            while (outbox.NextBatch("store", 500, 1 << 20) is { } batch)
            {
                volumes.AddRange(batch.Request.ServiceVolumes.Select(v => (v.Count, v.AmountOre)));
                outbox.Acknowledge(batch.Request.BatchId);
            }

            return volumes;
        }

        using (var outbox = new SqliteOutbox(folder.Path))
        {
            Assert.True(outbox.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [Withdrawal(1), Withdrawal(2)] }, "file:1", "kassa-1.csv"));
            Assert.True(outbox.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [Withdrawal(3)] }, "file:2", "kassa-2.csv"));
            Assert.Equal([(2, 40_000L), (3, 60_000L)], Drain(outbox)); // the hub has the day's 3
            for (var file = 0; file < 20; file++)
            {
                outbox.TryEnqueue(Items($"f{file}", 50), $"file:r{file}", $"{file}.csv");
            }
        }

        Settle(path);
        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        new Random(7).NextBytes(bytes.AsSpan(bytes.Length / pageSize / 2 * pageSize, pageSize));
        File.WriteAllBytes(path, bytes);

        using var recovered = new SqliteOutbox(folder.Path);
        Assert.IsType<OutboxRecoveryReport>(recovered.Recovery);
        Assert.Empty(Drain(recovered));

        // kassa-2.csv read again (sent again after the rebuild, or copied in twice), then a new withdrawal:
        // the day is still 3, then 4 — never the 1 of the file read again, which would replace the hub's 3.
        Assert.True(recovered.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [Withdrawal(3)] }, "file:2", "kassa-2.csv"));
        Assert.True(recovered.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [Withdrawal(4)] }, "file:3", "kassa-3.csv"));
        Assert.Equal([(4, 80_000L)], Drain(recovered));
    }

    /// <summary>One POS plug-in sale as the outbox stores it: its receipt, dated, with one line of the given gross.</summary>
    private static OutboxItems PosSale(int n, DateOnly day, long grossOre) => OutboxItems.Of(
    [
        new Receipt
        {
            ReceiptKey = $"pos-{n}",
            Date = new LocalDate { Year = day.Year, Month = day.Month, Day = day.Day },
            MinuteOfDay = n % 1440,
            Lines = { new ReceiptLine { Category = "dagligvaror", VatRateBasisPoints = 600, GrossOre = grossOre, QuantityMilli = 1000 } },
        },
    ]);

    private static void Settle(string path)
    {
        // Every connection closed, the log folded into the file: what a stopped agent leaves.
        SqliteConnection.ClearAllPools();
        using (var checkpoint = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            checkpoint.Open();
            using var command = checkpoint.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
    }

    private static string LostSalesReportText(string folder) =>
        File.ReadAllText(Assert.Single(Directory.GetFiles(folder, "forlorade-forsaljningar-*.txt")));

    [Theory]
    [InlineData("emptied")]
    [InlineData("deleted")]
    public void An_outbox_emptied_or_deleted_while_stopped_is_damage_and_its_ledger_counts_every_lost_item_and_POS_sale(string harm)
    {
        using var folder = new TempFolder("outbox");
        var path = Path.Combine(folder.Path, SqliteOutbox.FileName);
        using (var outbox = new SqliteOutbox(folder.Path))
        {
            Assert.True(outbox.TryEnqueue(Items("f", 30), "file:aa", "one.csv"));
            for (var i = 0; i < 5; i++)
            {
                Assert.True(outbox.TryEnqueue(PosSale(i, new DateOnly(2026, 10, 1 + (i % 2)), 1_000 * (i + 1)), $"pos:{i}", "POS plug-in"));
            }
        }

        Settle(path);
        if (harm == "emptied")
        {
            File.WriteAllBytes(path, []);
        }
        else
        {
            File.Delete(path);
        }

        using var recovered = new SqliteOutbox(folder.Path);

        var report = Assert.IsType<OutboxRecoveryReport>(recovered.Recovery);
        Assert.Equal(0, report.ItemsSaved);
        Assert.Equal(35, report.ItemsLost);
        var text = LostSalesReportText(folder.Path);
        // Sales 0, 2, 4 on the 1st (10 + 30 + 50 kr), 1 and 3 on the 2nd (20 + 40 kr).
        Assert.Contains("2026-10-01: 3 försäljningar, 90,00 kr", text, StringComparison.Ordinal);
        Assert.Contains("2026-10-02: 2 försäljningar, 60,00 kr", text, StringComparison.Ordinal);
        Assert.Contains("Totalt: 5 försäljningar, 150,00 kr.", text, StringComparison.Ordinal);
        // The rebuilt outbox is sound: opened again, it needs no recovery.
        recovered.Dispose();
        SqliteConnection.ClearAllPools();
        using var again = new SqliteOutbox(folder.Path);
        Assert.Null(again.Recovery);
    }

    [Fact]
    public void A_half_truncated_outbox_gives_back_what_its_pages_still_hold_and_names_each_day_of_POS_sales_it_could_not()
    {
        using var folder = new TempFolder("outbox");
        var path = Path.Combine(folder.Path, SqliteOutbox.FileName);
        var sold = new Dictionary<string, (DateOnly Day, long Gross)>();
        using (var outbox = new SqliteOutbox(folder.Path))
        {
            for (var i = 0; i < 1_000; i++)
            {
                var day = new DateOnly(2026, 11, 1 + (i / 100));
                var gross = 1_000 + (i * 37 % 50_000);
                sold[$"pos-{i}"] = (day, gross);
                outbox.TryEnqueue(PosSale(i, day, gross), $"pos:{i}", "POS plug-in");
            }
        }

        Settle(path);
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }

        using var recovered = new SqliteOutbox(folder.Path);

        var report = Assert.IsType<OutboxRecoveryReport>(recovered.Recovery);
        Assert.InRange(report.ItemsSaved, 300, 700);
        Assert.Equal(1_000, report.ItemsSaved + report.ItemsLost);
        var kept = new HashSet<string>();
        while (recovered.NextBatch("store", 500, 1 << 20) is { } batch)
        {
            kept.UnionWith(Keys(batch));
            recovered.Acknowledge(batch.Request.BatchId);
        }

        Assert.Equal(report.ItemsSaved, kept.Count);
        var text = LostSalesReportText(folder.Path);
        foreach (var day in sold.Where(s => !kept.Contains(s.Key)).GroupBy(s => s.Value.Day))
        {
            var gross = day.Sum(s => s.Value.Gross);
            var kronor = $"{gross / 100:#,##0}".Replace(",", " ", StringComparison.Ordinal) + $",{gross % 100:00}";
            Assert.Contains($"{day.Key:yyyy-MM-dd}: {day.Count()} försäljningar, {kronor} kr", text, StringComparison.Ordinal);
        }

        Assert.Contains($"Totalt: {1_000 - kept.Count} försäljningar", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_only_reads_a_damaged_outbox_the_agent_opening_it_next_recovers_and_status_then_shows_that_recovery()
    {
        using var folder = new TempFolder("outbox");
        var path = Path.Combine(folder.Path, SqliteOutbox.FileName);
        using (var outbox = new SqliteOutbox(folder.Path))
        {
            outbox.TryEnqueue(Items("f", 40), "file:aa", "one.csv");
        }

        Settle(path);
        File.WriteAllBytes(path, []);
        string[] status = ["status", "--Agent:DataDirectory=" + folder.Path, "--Agent:StoreId=butik"];

        var first = new StringWriter();
        Assert.Equal(0, await Norsjo.Retail.Agent.Hosting.AgentCommandLine.RunAsync(status, first));

        Assert.Contains("DAMAGED (the outbox file is empty (0 bytes))", first.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(path).Length);
        SqliteConnection.ClearAllPools();
        using (var agent = new SqliteOutbox(folder.Path))
        {
            Assert.Equal(40, Assert.IsType<OutboxRecoveryReport>(agent.Recovery).ItemsLost);
        }

        SqliteConnection.ClearAllPools();
        var later = new StringWriter();
        Assert.Equal(0, await Norsjo.Retail.Agent.Hosting.AgentCommandLine.RunAsync(status, later));
        Assert.DoesNotContain("DAMAGED", later.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"Recovered: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d the outbox was damaged \(the outbox file is empty \(0 bytes\)\); 0 items saved, 40 lost", later.ToString());
        Assert.Contains("1 files that held lost items are sent again from behandlade/", later.ToString(), StringComparison.Ordinal);
    }
}
