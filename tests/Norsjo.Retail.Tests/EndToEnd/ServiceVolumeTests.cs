using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.CashHandling;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Hub;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// Service volumes (issue 19) on real parts: a till's export with service rows, the agent's outbox,
/// gRPC to the hub, ClickHouse's service_volumes, and the municipality's kontanthantering per
/// village and month under the disclosure rule.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ServiceVolumeTests(ClickHouseServerFixture clickHouse)
{
    private const string Header = "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method;cashier;service";

    /// <summary>Today at the hub: October 2026 has settled, and October 2025 is its year before.</summary>
    private static readonly DateTimeOffset Now = new(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly October = new(2026, 10, 5);

    private sealed record StoredVolume(string Kind, long Transactions, long AmountOre);

    private sealed record Count(long Rows);

    /// <summary>Norsjö: three shops; Bastuträsk: three; Kusfors: one, which the rule never shows alone.</summary>
    public static string Registry()
    {
        var yaml = new StringBuilder("municipality: Norsjö\nstores:\n");
        foreach (var (id, village) in Stores)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: {id}\n    name: Butik {id}\n    village: {village}\n    opened: 2020-01-01\n    hours:\n      mon-sun: \"08:00-20:00\"\n");
        }

        return yaml.Append("years:\n  - year: 2017\n    population: 4100\n    national_turnover_per_resident_kr:\n      dagligvaror: 34202\n      sallankopsvaror: 31233\n").ToString();
    }

    public static readonly (string Id, string Village)[] Stores =
    [
        ("norsjo-a", "Norsjö"), ("norsjo-b", "Norsjö"), ("norsjo-c", "Norsjö"),
        ("bastu-d", "Bastuträsk"), ("bastu-e", "Bastuträsk"), ("bastu-f", "Bastuträsk"), ("kusfors-k", "Kusfors"),
    ];

    private static Task<RunningHub> StartHubAsync(Uri clickHouse) =>
        RunningHub.StartAsync(clickHouse, new HubSettings { Registry = Registry(), Clock = new FixedClock(Now) });

    private static async Task<List<StoredVolume>> VolumesAsync(RunningHub hub, string storeId, DateOnly day) =>
        [.. await hub.Database.QueryAsync<StoredVolume>(
            $"SELECT toString(kind) AS Kind, transactions AS Transactions, amount_ore AS AmountOre FROM service_volumes FINAL " +
            $"WHERE store_id = {SqlLiteral.Text(storeId)} AND service_date = {SqlLiteral.Date(day)} ORDER BY Kind")];

    [Fact]
    public async Task Service_rows_go_from_the_till_export_to_ClickHouse_as_day_counts_a_resent_day_counts_once_a_bad_row_costs_only_its_receipt_and_old_files_still_work()
    {
        await using var hub = await StartHubAsync(clickHouse.Url);
        await using var agent = await RunningAgent.StartAsync(hub, "norsjo-a", await hub.EnrollAsync("norsjo-a"));

        // A file in the format from before service rows: no service column at all.
        var old = agent.Drop("kassa-gammal.csv",
            "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method;cashier\n" +
            "100;2026-10-04 09:00:00;in_store;item;dagligvaror;6;80,00;1;;Anna\n" +
            "100;2026-10-04 09:00:00;in_store;payment;;;80,00;;kontant;Anna\n");
        string[] day =
        [
            Header,
            "1;2026-10-05 10:01:00;in_store;item;dagligvaror;6;100,00;1;;Anna;",
            "1;2026-10-05 10:01:00;in_store;payment;;;100,00;;kort;Anna;",
            "1;2026-10-05 10:01:00;in_store;service;;;300,00;;;Anna;kontantuttag",
            "2;2026-10-05 10:07:00;in_store;service;;;;;;Anna;paket_utlämnat",
            "3;2026-10-05 11:30:00;in_store;item;tobak;25;60,00;1;;Anna;",
            "3;2026-10-05 11:30:00;in_store;payment;;;60,00;;kontant;Anna;",
            "3;2026-10-05 11:30:00;in_store;service;;;500,00;;;Anna;kontantuttag",
            "4;2026-10-05 12:00:00;in_store;item;dagligvaror;6;40,00;1;;Anna;",
            "4;2026-10-05 12:00:00;in_store;service;;;;;;Anna;frimärken",
        ];
        var first = agent.Drop("kassa-20261005.csv", string.Join("\n", day) + "\n");
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(old) && agent.HasDelivered(first), "both exports taken and every batch acknowledged");

        Assert.Equal([new StoredVolume("kontantuttag", 2, 80_000), new StoredVolume("paket_utlamnat", 1, 0)], await VolumesAsync(hub, "norsjo-a", October));
        // The bad row refused its own receipt, said why, and nothing else: receipts 1 and 3, and the old file's 100.
        var refused = Directory.GetFiles(Path.Combine(agent.ExportFolder, "fel"), "*.fel.txt", SearchOption.AllDirectories);
        Assert.Contains("\"frimärken\" är en okänd tjänst", File.ReadAllText(Assert.Single(refused)), StringComparison.Ordinal);
        Assert.Equal(3, (await hub.Database.QueryAsync<Count>("SELECT count() AS Rows FROM receipts FINAL WHERE store_id = 'norsjo-a'")).Single().Rows);

        // The till exports the whole day again, with one more withdrawal: the day counts once, and grows by one.
        var again = agent.Drop("kassa-20261005-kvall.csv", string.Join("\n", day[..^2]) + "\n5;2026-10-05 17:45:00;in_store;service;;;200,00;;;Anna;kontantuttag\n");
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(again), "the day exported again was taken and acknowledged");
        Assert.Equal([new StoredVolume("kontantuttag", 3, 100_000), new StoredVolume("paket_utlamnat", 1, 0)], await VolumesAsync(hub, "norsjo-a", October));

        // Nothing of a transaction reaches the hub: no receipt numbers, no times of day, only the day's counts.
        var stored = await hub.Database.QueryAsync<Count>("SELECT count() AS Rows FROM system.columns WHERE database = currentDatabase() AND table = 'service_volumes'");
        Assert.Equal(6, stored.Single().Rows);
    }

    [Fact]
    public async Task The_hub_refuses_impossible_service_volumes_naming_the_field_records_the_refusal_and_a_later_copy_of_a_day_replaces_the_earlier()
    {
        await using var hub = await StartHubAsync(clickHouse.Url);
        using var channel = hub.Channel();
        var client = new Contracts.V1.Ingest.IngestClient(channel);
        var headers = RunningHub.Credential(await hub.EnrollAsync("bastu-d"));

        async Task<string> RefusedAsync(ServiceVolume volume)
        {
            var batch = new UploadBatchRequest { BatchId = Guid.NewGuid().ToString(), StoreId = "bastu-d", ServiceVolumes = { Volume(October, ServiceKind.PaketUtlamnat, 1), volume } };
            var e = await Assert.ThrowsAsync<RpcException>(async () => await client.UploadBatchAsync(batch, headers));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            return e.Status.Detail;
        }

        Assert.StartsWith("service_volumes[1].date: 2026-12-13 is in the future", await RefusedAsync(Volume(new DateOnly(2026, 12, 13), ServiceKind.Kontantuttag, 1, 100)), StringComparison.Ordinal);
        Assert.StartsWith("service_volumes[1].kind: unknown service kind", await RefusedAsync(Volume(October, (ServiceKind)99, 1)), StringComparison.Ordinal);
        Assert.StartsWith("service_volumes[1].amount_ore: only kontantuttag has an amount", await RefusedAsync(Volume(October, ServiceKind.BetalaRakning, 1, 5_000)), StringComparison.Ordinal);
        Assert.StartsWith("service_volumes[1].count: must be 0", await RefusedAsync(Volume(October, ServiceKind.Apoteksombud, -1)), StringComparison.Ordinal);
        Assert.StartsWith("service_volumes[1].amount_ore: -100 öre is outside", await RefusedAsync(Volume(October, ServiceKind.Kontantuttag, 1, -100)), StringComparison.Ordinal);
        Assert.Empty(await VolumesAsync(hub, "bastu-d", October));

        var refusals = await hub.Services.GetRequiredService<IngestRefusals>().ForStoreAsync("bastu-d");
        Assert.Equal(5, refusals.Total);
        Assert.All(refusals.Items, r => Assert.Equal(IngestRefusals.ServiceVolume, r.Kind));
        Assert.Contains(refusals.Items, r => r.Explanation == "Tjänster per dag: uttagens belopp godtogs inte");

        // A day sent again (the agent's count grew) replaces the earlier copy; the same batch again is stored once.
        var earlier = new UploadBatchRequest { BatchId = "d-1", StoreId = "bastu-d", ServiceVolumes = { Volume(October, ServiceKind.Kontantuttag, 2, 40_000) } };
        Assert.Equal(1, (await client.UploadBatchAsync(earlier, headers)).ServiceVolumesStored);
        var later = new UploadBatchRequest { BatchId = "d-2", StoreId = "bastu-d", ServiceVolumes = { Volume(October, ServiceKind.Kontantuttag, 3, 70_000) } };
        await client.UploadBatchAsync(later, headers);
        Assert.True((await client.UploadBatchAsync(later, headers)).AlreadyStored);
        Assert.Equal([new StoredVolume("kontantuttag", 3, 70_000)], await VolumesAsync(hub, "bastu-d", October));

        // An older agent's batch has no service volumes at all and is stored as before.
        Assert.Equal(0, (await client.UploadBatchAsync(new UploadBatchRequest { BatchId = "d-3", StoreId = "bastu-d" }, headers)).ServiceVolumesStored);
    }

    [Fact]
    public async Task The_municipality_sees_kontanthantering_per_village_and_month_against_a_year_before_and_a_one_shop_village_never_on_its_own()
    {
        await using var hub = await StartHubAsync(clickHouse.Url);
        var sent = await SeedAsync(hub);
        using var municipality = await DisclosureTests.Data.SignedInAsync(hub, "kommunen");

        var report = (await municipality.GetFromJsonAsync<CashHandlingReport>("/api/municipality/cash-handling?from=2026-10&to=2026-10"))!;

        var norsjo = Assert.Single(report.Months, m => m.Village == "Norsjö");
        Assert.True(norsjo.Shown);
        Assert.Equal(sent.Withdrawals("Norsjö", 2026), norsjo.Withdrawals);
        Assert.Equal(sent.WithdrawnOre("Norsjö", 2026) / 100m, norsjo.WithdrawnKr);
        Assert.Equal(sent.Withdrawals("Norsjö", 2025), norsjo.WithdrawalsYearBefore);
        Assert.Equal(Math.Round(((decimal)sent.Withdrawals("Norsjö", 2026) / sent.Withdrawals("Norsjö", 2025)) - 1, 4), norsjo.WithdrawalsChange);
        Assert.Equal(sent.CashShare("Norsjö", 2026), norsjo.CashShare);
        Assert.Equal(sent.CashShare("Norsjö", 2025), norsjo.CashShareYearBefore);
        Assert.Equal(Math.Round((sent.CashShare("Norsjö", 2026) - sent.CashShare("Norsjö", 2025)) * 100, 1), norsjo.CashShareChange);
        Assert.Equal(12, norsjo.Services.Single(s => s.Kind == "paket_utlamnat").Transactions);

        // Kusfors's one shop is only ever inside a merged group; what it alone does (apoteksombud) is held back, saying why.
        Assert.DoesNotContain(report.Months, m => m.Village == "Kusfors");
        var merged = Assert.Single(report.Months, m => m.Villages.Contains("Kusfors"));
        Assert.Equal(["Bastuträsk", "Kusfors"], merged.Villages);
        var pharmacy = merged.Services.Single(s => s.Kind == "apoteksombud");
        Assert.Null(pharmacy.Transactions);
        Assert.Contains("färre än 3 butiker bidrar", pharmacy.HeldBack, StringComparison.Ordinal);
        Assert.Equal(sent.Withdrawals("Övriga orter", 2026), merged.Withdrawals);

        // A month not yet settled is held back whole.
        var running = (await municipality.GetFromJsonAsync<CashHandlingReport>("/api/municipality/cash-handling?from=2026-12&to=2026-12"))!;
        Assert.All(running.Months, m => Assert.Null(m.Withdrawals));
        Assert.All(running.Months, m => Assert.Contains("inte avslutad", m.HeldBack, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_late_upload_does_not_change_a_published_count_and_a_revision_of_one_shop_alone_is_refused()
    {
        await using var hub = await StartHubAsync(clickHouse.Url);
        var sent = await SeedAsync(hub);
        using var municipality = await DisclosureTests.Data.SignedInAsync(hub, "kommunen");
        async Task<CashHandlingMonth> NorsjoAsync() =>
            (await municipality.GetFromJsonAsync<CashHandlingReport>("/api/municipality/cash-handling?from=2026-10&to=2026-10"))!.Months.Single(m => m.Village == "Norsjö");
        var published = await NorsjoAsync();
        Assert.Equal(sent.Withdrawals("Norsjö", 2026), published.Withdrawals);

        // norsjo-b's till was offline: a day of October arrives after the month was published, far more than it had.
        using var channel = hub.Channel();
        var late = new UploadBatchRequest { BatchId = "norsjo-b-late", StoreId = "norsjo-b", ServiceVolumes = { Volume(October.AddDays(10), ServiceKind.Kontantuttag, 40, 40 * 500_00), Volume(October.AddDays(10), ServiceKind.PaketUtlamnat, 9) } };
        await new Ingest.IngestClient(channel).UploadBatchAsync(late, RunningHub.Credential(await hub.EnrollAsync("norsjo-b")));
        Assert.Equal(40, (await VolumesAsync(hub, "norsjo-b", October.AddDays(10))).Single(v => v.Kind == "kontantuttag").Transactions);

        // The new figure minus the published one would be norsjo-b's own: the month stays as published, and a revision made of one shop's change is refused.
        Assert.Equal(0, await hub.Services.GetRequiredService<Norsjo.Retail.Hub.Disclosure.PublishedMonths>().ReviseAsync(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 1), CancellationToken.None));
        var again = await NorsjoAsync();
        Assert.Equal(published.Withdrawals, again.Withdrawals);
        Assert.Equal(published.WithdrawnKr, again.WithdrawnKr);
        Assert.Equal(published.Services.Single(s => s.Kind == "paket_utlamnat").Transactions, again.Services.Single(s => s.Kind == "paket_utlamnat").Transactions);
    }

    /// <summary>What the seed sent, per group as the municipality sees it.</summary>
    public sealed class Sent
    {
        private readonly List<(string Store, int Year, long Withdrawals, long Ore, long CashOre, long TotalOre)> _rows = [];

        public void Add(string store, int year, long withdrawals, long ore, long cashOre, long totalOre) => _rows.Add((store, year, withdrawals, ore, cashOre, totalOre));

        private IEnumerable<(string Store, int Year, long Withdrawals, long Ore, long CashOre, long TotalOre)> Of(string group, int year) =>
            _rows.Where(r => r.Year == year && (group == "Norsjö" ? r.Store.StartsWith("norsjo", StringComparison.Ordinal) : !r.Store.StartsWith("norsjo", StringComparison.Ordinal)));

        public long Withdrawals(string group, int year) => Of(group, year).Sum(r => r.Withdrawals);

        public long WithdrawnOre(string group, int year) => Of(group, year).Sum(r => r.Ore);

        public decimal CashShare(string group, int year) => Math.Round((decimal)Of(group, year).Sum(r => r.CashOre) / Of(group, year).Sum(r => r.TotalOre), 4);
    }

    /// <summary>
    /// Every store's October 2025 and 2026: a cash and a card receipt a day for a week, withdrawals,
    /// parcels; pharmacy pick-ups only in Kusfors. Sent straight to the hub's ingest.
    /// </summary>
    public static async Task<Sent> SeedAsync(RunningHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        await hub.Services.GetRequiredService<UserStore>().SaveAsync("kommunen", DisclosureTests.Data.Password, UserRole.Municipality, []);
        using var channel = hub.Channel();
        var client = new Contracts.V1.Ingest.IngestClient(channel);
        var random = new Random(19);
        var sent = new Sent();
        foreach (var (id, _) in Stores)
        {
            var headers = RunningHub.Credential(await hub.EnrollAsync(id));
            foreach (var year in new[] { 2025, 2026 })
            {
                var batch = new UploadBatchRequest { BatchId = $"{id}-{year}", StoreId = id };
                long withdrawals = 0, ore = 0, cash = 0, total = 0;
                for (var d = 1; d <= 7; d++)
                {
                    var day = new DateOnly(year, 10, d);
                    var (inCash, byCard) = (random.Next(20_000, 60_000), random.Next(40_000, 90_000));
                    batch.Receipts.Add(DisclosureTests.Data.Receipt($"{id}-{day:yyyyMMdd}-k", day, "dagligvaror", 600, inCash, cash: true));
                    batch.Receipts.Add(DisclosureTests.Data.Receipt($"{id}-{day:yyyyMMdd}-c", day, "dagligvaror", 600, byCard, cash: false));
                    (cash, total) = (cash + inCash, total + inCash + byCard);
                    var count = random.Next(1, 4) + (year == 2025 ? 1 : 0);
                    var amount = count * random.Next(2, 8) * 100_00L;
                    (withdrawals, ore) = (withdrawals + count, ore + amount);
                    batch.ServiceVolumes.Add(Volume(day, ServiceKind.Kontantuttag, count, amount));
                    if (d <= 4)
                    {
                        batch.ServiceVolumes.Add(Volume(day, ServiceKind.PaketUtlamnat, 1));
                    }

                    if (id == "kusfors-k")
                    {
                        batch.ServiceVolumes.Add(Volume(day, ServiceKind.Apoteksombud, 2));
                    }
                }

                await client.UploadBatchAsync(batch, headers);
                sent.Add(id, year, withdrawals, ore, cash, total);
            }
        }

        return sent;
    }

    private static ServiceVolume Volume(DateOnly day, ServiceKind kind, int count, long amountOre = 0) =>
        new() { Date = new LocalDate { Year = day.Year, Month = day.Month, Day = day.Day }, Kind = kind, Count = count, AmountOre = amountOre };
}
