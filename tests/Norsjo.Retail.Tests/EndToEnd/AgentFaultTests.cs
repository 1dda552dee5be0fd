using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// The agent under the faults a village shop has: killed at any moment, an outbox file damaged,
/// exports that are wrong in every way. After each, the hub holds exactly what the till sold.
/// </summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(ClickHouseGroup.Name)]
public sealed class AgentFaultTests(ClickHouseServerFixture clickHouse, ITestOutputHelper output) : IAsyncLifetime
{
    private const string StoreId = "butik-bastutrask";

    private sealed record Totals(long Receipts, long GrossOre);

    private sealed record Count(long Value);

    /// <summary>The deadlines below are not to be measured under another test process's load (Support/RunAlone.cs).</summary>
    public Task InitializeAsync() => RunAlone.WaitForOthersAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Killed_with_SIGKILL_again_and_again_while_taking_files_and_uploading_the_agent_loses_and_doubles_nothing() =>
        KilledAgainAndAgainAsync(AgentBuild.Jit);

    [NativeAgentFact]
    public Task The_native_agent_killed_with_SIGKILL_again_and_again_loses_and_doubles_nothing() => KilledAgainAndAgainAsync(AgentBuild.Native);

    private async Task KilledAgainAndAgainAsync(AgentBuild build)
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var credential = await hub.EnrollAsync(StoreId);
        using var folder = new TempFolder("agent-kill");
        var args = RunningAgent.AgentArgs(folder.Path, hub.GrpcUrl, hub.CertificatePath, StoreId, credential)
            .Select(a => a.StartsWith("--Agent:MaxReceiptsPerBatch=", StringComparison.Ordinal) ? "--Agent:MaxReceiptsPerBatch=10" : a)
            .Append("--Logging:LogLevel:Default=Warning").ToArray();
        var random = new Random(2026);
        var sold = new List<DemoReceipt>();
        var exports = Path.Combine(folder.Path, "exports");
        var number = 1;

        for (var round = 0; round < 12; round++)
        {
            // Each round: a new export or two arrive, the agent runs until the hub has taken a few
            // more batches, then it is killed without warning.
            for (var file = 0; file < 1 + random.Next(2); file++)
            {
                var day = DemoSales.Day(new DateOnly(2026, 10, 1).AddDays(round), 40 + random.Next(40), number, random);
                number += day.Count;
                sold.AddRange(day);
                RunningAgent.Drop(exports, $"kassa-{round}-{file}.csv", Encoding.UTF8.GetBytes(ReceiptCsv.Write(day)));
            }

            var before = await BatchesAsync(hub.Database);
            using var agent = AgentProcess.Start(build, args);
            var wanted = before + 1 + random.Next(3);
            await Eventually.WaitUntilAsync(() => BatchesAsync(hub.Database).GetAwaiter().GetResult() >= wanted, $"round {round}: the hub took more batches");
            agent.KillHard();
        }

        // Finally the agent runs undisturbed until everything is through.
        using (var last = AgentProcess.Start(build, args))
        {
            await Eventually.WaitUntilAsync(
                () => !Directory.EnumerateFiles(exports, "*.csv").Any() && OutboxItems(folder.Path) == 0,
                "every export taken and every item acknowledged", TimeSpan.FromSeconds(120));
            last.KillHard();
        }

        var stored = (await hub.Database.QueryAsync<Totals>(
            $"SELECT count() AS Receipts, sum(gross_ore) AS GrossOre FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}")).Single();
        Assert.Equal(new Totals(sold.Count, sold.Sum(r => r.GrossOre)), stored);
    }

    [Fact]
    public async Task A_damaged_outbox_is_rebuilt_and_the_hub_still_gets_exactly_what_was_sold()
    {
        using var away = await HubAway.EnrolledAsync(clickHouse.Url, StoreId);
        using var folder = new TempFolder("agent-damaged");
        var sold = new List<DemoReceipt>();
        var random = new Random(99);
        var agent = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential, folder);
        for (var day = 0; day < 10; day++)
        {
            var receipts = DemoSales.Day(new DateOnly(2026, 8, 1).AddDays(day), 120, 1 + (day * 1000), random);
            sold.AddRange(receipts);
            agent.Drop($"kassa-{day}.csv", ReceiptCsv.Write(receipts));
        }

        var items = sold.Count + sold.Count(r => r.Delivery is not null);
        await Eventually.WaitUntilAsync(() => !Directory.EnumerateFiles(agent.ExportFolder, "*.csv").Any() && agent.Outbox.Status().Items == items,
            "all exports in the outbox while the hub is away");
        await agent.StopAsync();
        DamageMiddlePage(Path.Combine(agent.DataFolder, "outbox.db"));

        await using var hub = await away.ReturnAsync();
        await using var restarted = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential, folder);
        var recovery = Assert.IsType<Norsjo.Retail.Agent.Outbox.OutboxRecoveryReport>(restarted.Outbox.Recovery);
        Assert.True(recovery.ItemsSaved < items, "the damage should have cost some items, or the test proves nothing");
        await Eventually.WaitUntilAsync(() => restarted.Outbox.Status().Items == 0, "everything delivered after the rebuild", TimeSpan.FromSeconds(90));

        var stored = (await hub.Database.QueryAsync<Totals>(
            $"SELECT count() AS Receipts, sum(gross_ore) AS GrossOre FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}")).Single();
        Assert.Equal(new Totals(sold.Count, sold.Sum(r => r.GrossOre)), stored);
    }

    [Fact]
    public async Task Whatever_the_exports_hold_the_agent_keeps_going_reports_each_fault_and_sends_exactly_the_good_sales()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId));
        var good = DemoSales.Day(new DateOnly(2026, 9, 9), 60, 500, new Random(5));
        var header = ReceiptCsv.Header;
        string[] Lines(IEnumerable<DemoReceipt> receipts) => ReceiptCsv.Write(receipts).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        var corpus = new Dictionary<string, byte[]>
        {
            ["tom.csv"] = [],
            ["bara-rubrik.csv"] = Encoding.UTF8.GetBytes(header + "\n"),
            ["fel-rubrik.csv"] = Encoding.UTF8.GetBytes("kvitto;tid;belopp\n1;2026-09-09 10:00;10,00\n"),
            ["binar.csv"] = [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 256))],
            // Valid but for one byte in a column the agent never reads: the receipt counts.
            ["trasig-utf8.csv"] = [.. Encoding.UTF8.GetBytes(header + "\n7001;2026-09-09 10:00:00;in_store;item;dagligvaror;6;10,00;1;;"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(";;\n")],
            // The agent cannot know the store's first day; the hub refuses that one receipt, the other goes.
            ["forntid.csv"] = Encoding.UTF8.GetBytes(header + "\n7002;2019-05-05 10:00:00;in_store;item;dagligvaror;6;10,00;1;;;;\n7003;2026-09-09 10:00:00;in_store;item;dagligvaror;6;20,00;1;;;;\n"),
            ["lang-rad.csv"] = Encoding.UTF8.GetBytes(header + "\n1;2026-09-09 10:00:00;in_store;item;" + new string('x', 200_000) + ";6;10,00;1;;;;\n"),
            ["citat.csv"] = Encoding.UTF8.GetBytes(header + "\n\"1;2026-09-09 10:00:00;in_store;item;dagligvaror;6;10,00;1\n"),
            ["skrap.jsonl"] = Encoding.UTF8.GetBytes("{{{\n[1,2,3]\n\"text\"\nnull\n"),
            ["obalans.se"] = Encoding.UTF8.GetBytes("#VER A 1 20260909 \"\"\n{\n#TRANS 1910 {} 100.00\n#TRANS 3001 {} -10.00\n}\n"),
            ["skrap.se"] = Encoding.UTF8.GetBytes("detta är ingen SIE-fil\n"),
        };
        foreach (var (name, content) in corpus)
        {
            RunningAgent.Drop(name.EndsWith(".se", StringComparison.Ordinal) ? agent.SieFolder : agent.ExportFolder, name, content);
        }

        // Half of a good day, with bad rows mixed in; the other half after all the junk.
        var mixed = string.Join('\n', [header, .. Lines(good.Take(30)), "999;2026-09-09 25:61:00;in_store;item;dagligvaror;6;10,00;1;;;;", "998;2026-09-09 10:00:00;in_store;item;dagligvaror;6;-5,00;1;;;;"]);
        RunningAgent.Drop(agent.ExportFolder, "blandad.csv", Encoding.UTF8.GetBytes(mixed + "\n"));
        var rest = RunningAgent.Drop(agent.ExportFolder, "resten.csv", Encoding.UTF8.GetBytes(string.Join('\n', [header, .. Lines(good.Skip(30))]) + "\n"));
        bool Waiting(string folder) => Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any(f => !Path.GetFileName(f).StartsWith('.'));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(rest) && !Waiting(agent.ExportFolder) && !Waiting(agent.SieFolder),
            "every file handled", () => string.Join(", ", Directory.EnumerateFiles(agent.ExportFolder).Concat(Directory.EnumerateFiles(agent.SieFolder)).Select(Path.GetFileName)));

        var stored = (await hub.Database.QueryAsync<Totals>(
            $"SELECT count() AS Receipts, sum(gross_ore) AS GrossOre FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}")).Single();
        Assert.Equal(new Totals(good.Count + 2, good.Sum(r => r.GrossOre) + 1_000 + 2_000), stored);
        Assert.Equal(1, agent.Outbox.Status().Rejected);
        var errors = Path.Combine(agent.ExportFolder, "fel");
        foreach (var name in corpus.Keys.Where(n => n is not "trasig-utf8.csv" and not "forntid.csv"))
        {
            var folder = name.EndsWith(".se", StringComparison.Ordinal) ? Path.Combine(agent.SieFolder, "fel") : errors;
            Assert.True(File.Exists(Path.Combine(folder, name + ".fel.txt")), $"{name} has a report");
        }

        var mixedReport = File.ReadAllText(Path.Combine(errors, "blandad.csv.fel.txt"));
        Assert.Contains("Kvitto 999 skickas inte", mixedReport, StringComparison.Ordinal);
        Assert.Contains("Kvitto 998 skickas inte", mixedReport, StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(errors, "blandad.felrader.csv")).Length);
        Assert.Contains("A 1 balanserar inte", File.ReadAllText(Path.Combine(agent.SieFolder, "fel", "obalans.se.fel.txt")), StringComparison.Ordinal);
        Assert.Equal(0, (await hub.Database.QueryAsync<Count>("SELECT count() AS Value FROM daily_sales")).Single().Value);
    }

    private static async Task<long> BatchesAsync(ClickHouseDatabase database) =>
        (await database.QueryAsync<Count>("SELECT count() AS Value FROM ingest_batches")).Single().Value;

    private static long OutboxItems(string agentFolder)
    {
        var path = Path.Combine(agentFolder, "data", "outbox.db");
        if (!File.Exists(path))
        {
            return -1;
        }

        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM items";
        return (long)command.ExecuteScalar()!;
    }

    private static void DamageMiddlePage(string path)
    {
        SqliteConnection.ClearAllPools();
        using (var checkpoint = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            checkpoint.Open();
            using var command = checkpoint.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        var page = bytes.Length / pageSize / 2;
        new Random(11).NextBytes(bytes.AsSpan(page * pageSize, pageSize));
        File.WriteAllBytes(path, bytes);
    }

    private static async Task<Totals> StoredAsync(ClickHouseDatabase database) =>
        (await database.QueryAsync<Totals>(
            $"SELECT count() AS Receipts, sum(gross_ore) AS GrossOre FROM receipts FINAL WHERE store_id = {SqlLiteral.Text(StoreId)}")).Single();

    private static async Task<string> StatusAsync(string dataFolder)
    {
        var text = new StringWriter();
        Assert.Equal(0, await AgentCommandLine.RunAsync(["status", "--Agent:DataDirectory=" + dataFolder, "--Agent:StoreId=" + StoreId], text));
        return text.ToString();
    }

    /// <summary>Days of sales dropped as export files into a running agent while its hub is away; returns what was sold.</summary>
    private static async Task<List<DemoReceipt>> QueueDaysAsync(RunningAgent agent, int days, int receiptsPerDay, int seed)
    {
        var sold = new List<DemoReceipt>();
        var random = new Random(seed);
        for (var day = 0; day < days; day++)
        {
            var receipts = DemoSales.Day(new DateOnly(2026, 9, 1).AddDays(day), receiptsPerDay, 1 + (day * 10_000), random);
            sold.AddRange(receipts);
            agent.Drop($"kassa-{day}.csv", ReceiptCsv.Write(receipts));
        }

        var items = sold.Count + sold.Count(r => r.Delivery is not null);
        await Eventually.WaitUntilAsync(() => !Directory.EnumerateFiles(agent.ExportFolder, "*.csv").Any() && agent.Outbox.Status().Items == items,
            "every export in the outbox while the hub is away");
        return sold;
    }

    [Fact]
    public async Task An_outbox_emptied_while_the_agent_was_stopped_is_left_alone_by_status_and_rebuilt_by_the_agent_and_every_receipt_reaches_the_hub()
    {
        using var away = await HubAway.EnrolledAsync(clickHouse.Url, StoreId);
        using var folder = new TempFolder("agent-emptied");
        var agent = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential, folder);
        var sold = await QueueDaysAsync(agent, 10, 300, 23);
        await agent.StopAsync();
        SqliteConnection.ClearAllPools();
        var outboxFile = Path.Combine(agent.DataFolder, "outbox.db");
        File.WriteAllBytes(outboxFile, []); // truncate -s 0

        var before = await StatusAsync(agent.DataFolder);
        Assert.Contains("DAMAGED (the outbox file is empty (0 bytes))", before, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(outboxFile).Length);

        await using var hub = await away.ReturnAsync();
        using (var process = AgentProcess.Start(RunningAgent.AgentArgs(folder.Path, away.Url, away.Certificate, StoreId, away.Credential)))
        {
            await Eventually.WaitUntilAsync(async () => (await StoredAsync(hub.Database)).Receipts == sold.Count, "every receipt at the hub again",
                async () => $"{(await StoredAsync(hub.Database)).Receipts} of {sold.Count}", TimeSpan.FromSeconds(120));
            Assert.True(process.HasSaid("The outbox was damaged (the outbox file is empty (0 bytes))"), string.Join('\n', process.Output.TakeLast(20)));
            process.KillHard();
        }

        Assert.Equal(new Totals(sold.Count, sold.Sum(r => r.GrossOre)), await StoredAsync(hub.Database));
        var after = await StatusAsync(agent.DataFolder);
        Assert.Contains($"0 items saved, {sold.Count + sold.Count(r => r.Delivery is not null)} lost", after, StringComparison.Ordinal);
        Assert.Contains("10 files that held lost items are sent again from behandlade/", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_item_is_logged_and_sent_again_from_its_file_in_behandlade()
    {
        using var away = await HubAway.EnrolledAsync(clickHouse.Url, StoreId);
        using var folder = new TempFolder("agent-item");
        var agent = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential, folder);
        var sold = await QueueDaysAsync(agent, 3, 100, 31);
        await agent.StopAsync();
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(agent.DataFolder, "outbox.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // One bit flipped in one receipt: its checksum no longer matches.
            command.CommandText = "UPDATE items SET payload = CAST(X'FF' || substr(payload, 2) AS BLOB) WHERE seq = (SELECT seq FROM items WHERE kind = 1 ORDER BY seq LIMIT 1 OFFSET 150)";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        SqliteConnection.ClearAllPools();
        await using var hub = await away.ReturnAsync();
        await using var restarted = await RunningAgent.StartAsync(away.Url, away.Certificate, StoreId, away.Credential, folder);
        await Eventually.WaitUntilAsync(async () => (await StoredAsync(hub.Database)).Receipts == sold.Count && restarted.Outbox.Status().Items == 0,
            "every receipt at the hub, the damaged one sent again from its file", async () => $"{(await StoredAsync(hub.Database)).Receipts} of {sold.Count}");

        Assert.Equal(new Totals(sold.Count, sold.Sum(r => r.GrossOre)), await StoredAsync(hub.Database));
        Assert.Equal(1, restarted.Outbox.Status().DamagedItems);
        Assert.Contains(restarted.Log, line => line.Contains("was damaged and is set aside", StringComparison.Ordinal));
        Assert.Contains(restarted.Log, line => line.Contains("kassa-1.csv is sent again from behandlade/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_a_full_disk_the_agent_pauses_intake_keeps_running_says_so_and_resumes_by_itself_when_space_returns()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var credential = await hub.EnrollAsync(StoreId);
        using var folder = new TempFolder("agent-disk");
        var data = Path.Combine(folder.Path, "data");
        using var disk = SmallDisk.Mount(data, megabytes: 16);
        var args = RunningAgent.AgentArgs(folder.Path, hub.GrpcUrl, hub.CertificatePath, StoreId, credential)
            .Append("--Agent:ResumeWhenFreeBytes=2097152").ToArray();
        var exports = Path.Combine(folder.Path, "exports");
        var random = new Random(41);
        var sold = new List<DemoReceipt>(DemoSales.Day(new DateOnly(2026, 10, 5), 50, 1, random));
        RunningAgent.Drop(exports, "kassa-0.csv", Encoding.UTF8.GetBytes(ReceiptCsv.Write(sold)));
        using var agent = AgentProcess.Start(args);
        await Eventually.WaitUntilAsync(async () => (await StoredAsync(hub.Database)).Receipts == sold.Count, "the first day through",
            async () => string.Join('\n', agent.Output.TakeLast(10)));

        var filler = disk.Fill();
        for (var day = 1; day <= 3; day++)
        {
            var receipts = DemoSales.Day(new DateOnly(2026, 10, 5).AddDays(day), 1_500, 1 + (day * 10_000), random);
            sold.AddRange(receipts);
            RunningAgent.Drop(exports, $"kassa-{day}.csv", Encoding.UTF8.GetBytes(ReceiptCsv.Write(receipts)));
        }

        await Eventually.WaitUntilAsync(() => agent.HasSaid("Disk full: source"), "the agent says it pauses",
            () => string.Join('\n', agent.Output.TakeLast(10)));
        var status = await StatusAsync(data);
        Assert.Contains("Disk:      FULL since", status, StringComparison.Ordinal);
        Assert.False(agent.HasExited, "the agent must not stop on a full disk");
        Assert.NotEmpty(Directory.EnumerateFiles(exports, "*.csv"));

        File.Delete(filler);
        await Eventually.WaitUntilAsync(async () => (await StoredAsync(hub.Database)).Receipts == sold.Count, "every day through once there is room",
            async () => $"{(await StoredAsync(hub.Database)).Receipts} of {sold.Count}; exited: {agent.HasExited}; " + string.Join(" | ", agent.Output.TakeLast(30)), TimeSpan.FromSeconds(90));

        Assert.False(agent.HasExited);
        Assert.True(agent.HasSaid("Disk space is back: source"));
        Assert.Equal(new Totals(sold.Count, sold.Sum(r => r.GrossOre)), await StoredAsync(hub.Database));
        Assert.DoesNotContain("FULL", await StatusAsync(data), StringComparison.Ordinal);
        agent.KillHard();
    }

    [Fact]
    public Task After_an_outage_10000_queued_receipts_reach_ClickHouse_within_seconds_of_the_hub_being_ready() => AfterAnOutageAsync(AgentBuild.Jit);

    [NativeAgentFact]
    public Task The_native_agent_after_an_outage_delivers_10000_queued_receipts_within_seconds_of_the_hub_being_ready() => AfterAnOutageAsync(AgentBuild.Native);

    private async Task AfterAnOutageAsync(AgentBuild build)
    {
        using var away = await HubAway.EnrolledAsync(clickHouse.Url, StoreId);
        using var folder = new TempFolder("agent-drain");
        var exports = Path.Combine(folder.Path, "exports");
        var random = new Random(10_000);
        var sold = new List<DemoReceipt>();
        for (var day = 0; day < 10; day++)
        {
            var receipts = DemoSales.Day(new DateOnly(2026, 11, 2).AddDays(day), 1_000, 1 + (day * 10_000), random);
            sold.AddRange(receipts);
            RunningAgent.Drop(exports, $"kassa-{day}.csv", Encoding.UTF8.GetBytes(ReceiptCsv.Write(receipts)));
        }

        // The shipped back-off: after the first failure the agent would wait minutes.
        var args = RunningAgent.AgentArgs(folder.Path, away.Url, away.Certificate, StoreId, away.Credential)
            .Select(a => a.StartsWith("--Agent:Retry", StringComparison.Ordinal) || a.StartsWith("--Agent:MaxReceiptsPerBatch", StringComparison.Ordinal) ? null : a)
            .OfType<string>()
            .Concat(["--Agent:RetryInitialDelay=00:05:00", "--Agent:RetryMaxDelay=00:05:00", "--Logging:LogLevel:Default=Warning"])
            .ToArray();
        using var agent = AgentProcess.Start(build, args);
        await Eventually.WaitUntilAsync(() => !Directory.EnumerateFiles(exports, "*.csv").Any() && agent.HasSaid("Could not deliver batch"),
            "every export queued and the agent in its back-off", () => string.Join('\n', agent.Output.TakeLast(10)), TimeSpan.FromSeconds(90));

        await using var hub = await away.ReturnAsync();
        var sinceReady = Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(async () => (await StoredAsync(hub.Database)).Receipts > 0, "the first batch at the hub",
            async () => $"nothing after {sinceReady.Elapsed.TotalSeconds:0} s", TimeSpan.FromSeconds(60));
        var firstBatch = sinceReady.Elapsed;
        await Eventually.WaitUntilAsync(async () => (await StoredAsync(hub.Database)).Receipts == sold.Count, "the queue drained into ClickHouse",
            async () => $"{(await StoredAsync(hub.Database)).Receipts} of {sold.Count} after {sinceReady.Elapsed.TotalSeconds:0} s", TimeSpan.FromSeconds(90));
        sinceReady.Stop();

        output.WriteLine($"{build}: {sold.Count} queued receipts reached ClickHouse {sinceReady.Elapsed.TotalSeconds:0.0} s after the hub was ready; "
            + $"the first batch after {firstBatch.TotalSeconds:0.0} s ({string.Join("; ", agent.Output.Where(l => l.Contains("hub is back", StringComparison.Ordinal)))})");
        Assert.Equal(new Totals(sold.Count, sold.Sum(r => r.GrossOre)), await StoredAsync(hub.Database));
        // The shipped back-off would have kept the agent away for minutes; the probe brings it back within seconds.
        Assert.True(firstBatch < TimeSpan.FromSeconds(15), $"first batch after {firstBatch.TotalSeconds:0.0} s");
        agent.KillHard();
    }
}
