using Microsoft.Data.Sqlite;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// Tills write their exports in every way log shippers know (issue 22): in place with pauses and no
/// lock, a sale at a time, a journal that grows across midnight, rotated by rename, truncated,
/// rewritten. The real agent process reads them while it is killed with SIGKILL now and then; the
/// hub ends up with exactly the till's sales, none lost and none twice.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class TillFileIntakeTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-bastutrask";
    private const string Header = ReceiptCsv.Header + "\n";

    private sealed record Totals(long Receipts, long GrossOre);

    public static TheoryData<string> Modes => new() { "Finished", "Growing" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_till_writing_in_place_in_bursts_with_pauses_and_no_lock_loses_nothing(string mode)
    {
        await using var run = await IntakeRun.StartAsync(clickHouse, mode);
        var kassa = Path.Combine(run.Exports, "kassa.csv");
        run.Till.Run($"exec 3>{ShellTill.Quote(kassa)}");
        var receipts = run.Sell(new DateOnly(2026, 11, 2), 200);
        var lines = Lines(receipts);
        run.Till.Write(Header, ">&3");
        // 50 lines at a time, so receipts are cut in the middle; the file stays open all along.
        var bursts = lines.Chunk(50).ToList();
        for (var i = 0; i < bursts.Count; i++)
        {
            run.Till.Write(string.Concat(bursts[i]), ">&3");
            await run.StepAsync(i, receipts.Take(ReceiptsIn(receipts, lines, (i + 1) * 50)));
        }

        run.Till.Run("exec 3>&-");
        await run.AllThereAsync();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_till_appending_each_sale_and_closing_the_file_loses_nothing(string mode)
    {
        await using var run = await IntakeRun.StartAsync(clickHouse, mode);
        var kassa = ShellTill.Quote(Path.Combine(run.Exports, "kassa.csv"));
        var receipts = run.Sell(new DateOnly(2026, 11, 3), 60);
        run.Till.Write(Header, ">> " + kassa);
        for (var i = 0; i < receipts.Count; i += 6)
        {
            foreach (var sale in receipts.Skip(i).Take(6))
            {
                // Open, append one sale, close: if the agent took the file, this makes a new one without a header.
                run.Till.Write(ReceiptCsv.Write([sale])[Header.Length..], ">> " + kassa);
            }

            await run.StepAsync(i / 6, receipts.Take(i + 6));
        }

        await run.AllThereAsync();
    }

    [Fact]
    public async Task A_daily_journal_growing_across_midnight_loses_nothing()
    {
        await using var run = await IntakeRun.StartAsync(clickHouse, "Growing");
        var journal = ShellTill.Quote(Path.Combine(run.Exports, "journal.csv"));
        var midnight = new DateTime(2026, 11, 5, 0, 0, 0);
        var receipts = run.Sell(new DateOnly(2026, 11, 4), 48)
            .Select((r, i) => r with { LocalTime = midnight.AddMinutes((i - 24) * 2).AddSeconds(7) })
            .ToList();
        run.Replace(receipts);
        run.Till.Write(Header, ">> " + journal);
        for (var i = 0; i < receipts.Count; i += 4)
        {
            foreach (var sale in receipts.Skip(i).Take(4))
            {
                run.Till.Write(ReceiptCsv.Write([sale])[Header.Length..], ">> " + journal);
            }

            await run.StepAsync(i / 4, receipts.Take(i + 4));
        }

        await run.AllThereAsync();
        Assert.True(File.Exists(Path.Combine(run.Exports, "journal.csv")), "a growing journal is the till's: it stays where it is");
    }

    [Fact]
    public async Task A_file_rotated_by_rename_while_its_writer_goes_on_loses_nothing()
    {
        await using var run = await IntakeRun.StartAsync(clickHouse, "Growing");
        var kassa = Path.Combine(run.Exports, "kassa.csv");
        var taken = new List<DemoReceipt>();
        var step = 0;
        for (var generation = 1; generation <= 3; generation++)
        {
            run.Till.Run($"exec 3>{ShellTill.Quote(kassa)}");
            run.Till.Write(Header, ">&3");
            var receipts = run.Sell(new DateOnly(2026, 11, 5 + generation), 30);
            var lines = Lines(receipts);
            var half = lines.Count / 2;
            run.Till.Write(string.Concat(lines.Take(half)), ">&3");
            taken.AddRange(receipts.Take(ReceiptsIn(receipts, lines, half)));
            await run.StepAsync(step++, taken);
            // Rotation as logrotate does it: rename first, the writer reopens later and writes on
            // into the renamed file meanwhile (its new name is not even an export name).
            run.Till.Run($"mv {ShellTill.Quote(kassa)} {ShellTill.Quote(kassa + "." + generation)}");
            run.Till.Write(string.Concat(lines.Skip(half)), ">&3");
            taken.Clear();
            taken.AddRange(run.Sold);
            await run.StepAsync(step++, taken);
        }

        run.Till.Run("exec 3>&-");
        await run.AllThereAsync();
    }

    [Fact]
    public async Task A_file_truncated_and_one_rewritten_in_place_lose_nothing()
    {
        await using var run = await IntakeRun.StartAsync(clickHouse, "Growing");
        var journal = ShellTill.Quote(Path.Combine(run.Exports, "journal.csv"));
        var step = 0;
        for (var day = 0; day < 3; day++)
        {
            // A new day: the till empties its journal and starts again, once the day before has been
            // sent (what a till truncates before anyone read it is gone for any reader). The last time
            // the agent is down while that happens, and the new day is longer than the old one by the
            // time it looks.
            if (day > 0)
            {
                await run.ArrivedAsync([.. run.Sold], $"day {day - 1}", exactly: true);
            }

            if (day == 2)
            {
                run.Kill();
            }

            var receipts = run.Sell(new DateOnly(2026, 11, 10 + day), 20 + (day * 15));
            run.Till.Write(Header + string.Concat(Lines(receipts.Take(10))), "> " + journal);
            foreach (var more in receipts.Skip(10).Chunk(5))
            {
                run.Till.Write(string.Concat(Lines(more)), ">> " + journal);
            }

            await run.StepAsync(step++, run.Sold);
        }

        // Rewritten whole, again and again: every sale so far, and a few more each time.
        var rewritten = ShellTill.Quote(Path.Combine(run.Exports, "dagens.csv"));
        var today = run.Sell(new DateOnly(2026, 11, 14), 40);
        for (var n = 10; n <= today.Count; n += 10)
        {
            run.Till.Write(Header + string.Concat(Lines(today.Take(n))), "> " + rewritten);
            await run.StepAsync(step++, run.Sold.SkipLast(today.Count - n));
        }

        await run.AllThereAsync();
    }

    private static List<string> Lines(IEnumerable<DemoReceipt> receipts) =>
        [.. ReceiptCsv.Write(receipts)[Header.Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l + "\n")];

    /// <summary>How many receipts are complete within the first <paramref name="lineCount"/> lines.</summary>
    private static int ReceiptsIn(IReadOnlyList<DemoReceipt> receipts, List<string> lines, int lineCount)
    {
        var complete = 0;
        var used = 0;
        foreach (var receipt in receipts)
        {
            used += receipt.Items.Count + receipt.Payments.Count + (receipt.Delivery is null ? 0 : 1);
            if (used > lineCount)
            {
                break;
            }

            complete++;
        }

        return Math.Min(complete, lines.Count);
    }

    /// <summary>
    /// One test's hub, agent process and till. Each step is one of: go on, kill the agent at once
    /// (whatever it is doing: likely in the middle of reading) and start it again, or wait until the
    /// hub has every receipt the till has completed so far.
    /// </summary>
    private sealed class IntakeRun : IAsyncDisposable
    {
        private readonly RunningHub _hub;
        private readonly TempFolder _folder;
        private readonly string[] _args;
        private readonly Random _random = new(22);
        private AgentProcess? _agent;
        private int _number = 1;

        private IntakeRun(RunningHub hub, TempFolder folder, string[] args)
        {
            _hub = hub;
            _folder = folder;
            _args = args;
        }

        public ShellTill Till { get; } = new();

        public List<DemoReceipt> Sold { get; } = [];

        public string Exports => Path.Combine(_folder.Path, "exports");

        public static async Task<IntakeRun> StartAsync(ClickHouseServerFixture clickHouse, string mode)
        {
            var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
            var credential = await hub.EnrollAsync(StoreId);
            var folder = new TempFolder("till-intake");
            Directory.CreateDirectory(Path.Combine(folder.Path, "exports"));
            var args = RunningAgent.AgentArgs(folder.Path, hub.GrpcUrl, hub.CertificatePath, StoreId, credential)
                .Select(a => a.StartsWith("--Agent:FileSettleTime=", StringComparison.Ordinal) ? "--Agent:FileSettleTime=00:00:00.300" : a)
                .Concat(["--Agent:ExportFiles=" + mode, "--Agent:FileReceiptsPerCommit=7", "--Logging:LogLevel:Default=Warning"])
                .ToArray();
            var run = new IntakeRun(hub, folder, args);
            run._agent = AgentProcess.Start(args);
            return run;
        }

        public IReadOnlyList<DemoReceipt> Sell(DateOnly day, int count)
        {
            var receipts = DemoSales.Day(day, count, _number, _random);
            _number += count;
            Sold.AddRange(receipts);
            return receipts;
        }

        /// <summary>The last receipts sold, as the till changed them (e.g. their times).</summary>
        public void Replace(List<DemoReceipt> receipts)
        {
            Sold.RemoveRange(Sold.Count - receipts.Count, receipts.Count);
            Sold.AddRange(receipts);
        }

        public void Kill()
        {
            _agent?.KillHard();
            _agent?.Dispose();
            _agent = null;
        }

        public async Task StepAsync(int step, IEnumerable<DemoReceipt> completeSoFar)
        {
            switch (step % 3)
            {
                case 0:
                    Kill();
                    _agent = AgentProcess.Start(_args);
                    break;
                case 1:
                    _agent ??= AgentProcess.Start(_args);
                    await ArrivedAsync(completeSoFar.ToList(), $"step {step}", exactly: false);
                    break;
                default:
                    _agent ??= AgentProcess.Start(_args);
                    break;
            }
        }

        /// <summary>The till is done: the agent runs until the hub has every sale, then once more the figures are compared.</summary>
        public async Task AllThereAsync()
        {
            _agent ??= AgentProcess.Start(_args);
            await ArrivedAsync(Sold, "the end", exactly: true);
            await Eventually.WaitUntilAsync(() => OutboxItems() == 0, "every item acknowledged");
            Assert.Equal(Expected(Sold), await StoredAsync());
        }

        /// <param name="exactly">False while the till is still writing: a receipt it is in the middle of may be there in part.</param>
        public async Task ArrivedAsync(List<DemoReceipt> receipts, string when, bool exactly)
        {
            var expected = Expected(receipts);
            await Eventually.WaitUntilAsync(
                async () => await StoredAsync() is var stored && (exactly ? stored == expected : stored.Receipts >= expected.Receipts),
                $"{when}: the hub has the till's {expected}",
                async () => $"it has {await StoredAsync()}; in fel/: {string.Join(", ", Errors())}", TimeSpan.FromSeconds(30));
        }

        private static Totals Expected(List<DemoReceipt> receipts) => new(receipts.Count, receipts.Sum(r => r.GrossOre));

        private async Task<Totals> StoredAsync() => (await _hub.Database.QueryAsync<Totals>(
            $"SELECT count() AS Receipts, sum(gross_ore) AS GrossOre FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}")).Single();

        private IEnumerable<string> Errors()
        {
            var errors = Path.Combine(Exports, "fel");
            return Directory.Exists(errors) ? Directory.EnumerateFiles(errors).Select(f => Path.GetFileName(f)) : [];
        }

        private long OutboxItems()
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "data", "outbox.db")};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM items";
            return (long)command.ExecuteScalar()!;
        }

        public async ValueTask DisposeAsync()
        {
            Kill();
            Till.Dispose();
            await _hub.DisposeAsync();
            _folder.Dispose();
        }
    }
}
