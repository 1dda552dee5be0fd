using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// The Grafana dashboards under dashboards/grafana: every panel's SQL, with the plugin's macros
/// expanded, runs read-only on the real ClickHouse (Debian's 18.16 here) against a hub's database
/// with data sent through the hub, returns the columns the panel shows, and its figures equal what
/// was sent — with nothing shown that is made of fewer than 3 stores. Grafana's user reads the
/// published database only: the panels run there, and the sales tables refuse it.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class GrafanaDashboardTests(GrafanaDashboardTests.Data data) : IClassFixture<GrafanaDashboardTests.Data>
{
    private const string PluginType = "grafana-clickhouse-datasource";
    private static readonly DateTimeOffset From = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 11, 30, 23, 59, 59, TimeSpan.Zero);

    /// <summary>Every panel by its (Swedish) title, with the columns it must get back. A new panel must be added here.</summary>
    private static readonly Dictionary<string, string[]> Columns = new(StringComparer.Ordinal)
    {
        ["Försäljning per månad, alla butiker (kr inkl. moms)"] = ["time", "Försäljning (kr)"],
        ["Kontantandel per månad"] = ["time", "Kontantandel"],
        ["Rapporterande butiker per månad"] = ["time", "Butiker"],
        ["Kvitton per timme på dygnet"] = ["Timme", "Kvitton"],
        ["Hemsändningar per ort"] = ["Ort", "Leveranser", "Hushåll", "Medelavstånd (km)", "Butiker"],
        ["Tysta agenter"] = ["Tysta agenter"],
        ["Agenternas senaste leverans"] = ["Butik", "Senaste leverans", "Timmar sedan", "Senaste försäljningsdag", "Tyst"],
    };

    private readonly Data _data = data;

    /// <summary>
    /// A hub with four stores. October: only butik-a and butik-b sell (too few to show). November:
    /// a, b and c sell; c only between 9 and 17, so the early and late hours have two stores.
    /// Deliveries: Kusfors by a, b, c; Bastuträsk by a; Norsjövallen by b and d (d late in the month).
    /// The latest silence check found d silent.
    /// </summary>
    public sealed class Data : IAsyncLifetime
    {
        public static readonly string[] Stores = ["butik-a", "butik-b", "butik-c", "butik-d"];

        private readonly string _clickHouse = Path.Combine(Path.GetTempPath(), $"norsjo-grafana-clickhouse-{Guid.NewGuid():N}");

        public RunningHub Hub { get; private set; } = null!;

        /// <summary>The read-only user the hub's own ClickHouse keeps for Grafana (the hub started it, as in the README).</summary>
        public ClickHouseLogin Grafana => new(LocalClickHouseUsers.GrafanaUser, File.ReadAllText(Path.Combine(_clickHouse, LocalClickHouseUsers.GrafanaPasswordFile)).Trim());

        /// <summary>Where the hub publishes for Grafana: the only database Grafana's user may read.</summary>
        public string PublishedDatabase => Norsjo.Retail.Hub.Storage.PublishedDatabase.NameFor(Hub.Database.Name);

        public List<(string Store, Receipt Receipt)> Receipts { get; } = [];

        public List<(string Store, HomeDelivery Delivery)> Deliveries { get; } = [];

        public async Task InitializeAsync()
        {
            // November is published from 1 December (SettleDays 0): the data is in October and November 2026.
            Hub = await RunningHub.StartWithOwnClickHouseAsync(_clickHouse, new HubSettings(null, null, null, "--Disclosure:SettleDays=0"), Stores);
            var random = new Random(2026);
            foreach (var store in Stores)
            {
                var months = store switch { "butik-a" or "butik-b" => new[] { 10, 11 }, "butik-c" => [11], _ => [] };
                foreach (var month in months)
                {
                    for (var day = 1; day <= 12; day++)
                    {
                        for (var i = 0; i < 6; i++)
                        {
                            var hour = store == "butik-c" ? random.Next(9, 18) : random.Next(8, 20);
                            var gross = random.Next(2_000, 80_000);
                            var method = (PaymentMethod)random.Next(1, 4); // cash, card, Swish
                            Receipts.Add((store, new Receipt
                            {
                                ReceiptKey = $"{store}-{month}-{day}-{i}",
                                Date = new LocalDate { Year = 2026, Month = month, Day = day },
                                MinuteOfDay = (hour * 60) + random.Next(60),
                                Channel = Channel.InStore,
                                Lines = { new ReceiptLine { Category = "dagligvaror", VatRateBasisPoints = 600, GrossOre = gross, VatOre = gross * 6 / 106, QuantityMilli = 1000 } },
                                Payments = { new Payment { Method = method, AmountOre = gross } },
                            }));
                        }
                    }
                }
            }

            void Deliver(string store, string locality, int count, int firstDay)
            {
                for (var i = 0; i < count; i++)
                {
                    Deliveries.Add((store, new HomeDelivery
                    {
                        DeliveryKey = $"{store}-{locality}-{i}",
                        Date = new LocalDate { Year = 2026, Month = 11, Day = firstDay + i },
                        HouseholdKey = $"hushall-{i % 3}",
                        Locality = locality,
                        DistanceM = random.Next(2_000, 30_000),
                        OrderValueOre = random.Next(10_000, 90_000),
                    }));
                }
            }

            Deliver("butik-a", "Kusfors", 4, 2);
            Deliver("butik-b", "Kusfors", 3, 3);
            Deliver("butik-c", "Kusfors", 2, 4);
            Deliver("butik-a", "Bastuträsk", 3, 5);
            Deliver("butik-b", "Norsjövallen", 2, 6);
            Deliver("butik-d", "Norsjövallen", 2, 25);

            using var channel = Hub.Channel();
            var ingest = new Ingest.IngestClient(channel);
            foreach (var store in Stores)
            {
                var credential = RunningHub.Credential(await Hub.EnrollAsync(store));
                var batch = new UploadBatchRequest { BatchId = store + "-1", StoreId = store, AgentVersion = "test" };
                batch.Receipts.AddRange(Receipts.Where(r => r.Store == store).Select(r => r.Receipt));
                batch.HomeDeliveries.AddRange(Deliveries.Where(d => d.Store == store).Select(d => d.Delivery));
                await ingest.UploadBatchAsync(batch, credential);
                if (store == "butik-a")
                {
                    // The same November receipts again in another batch, as after a lost reply: counted once (FINAL).
                    var again = new UploadBatchRequest { BatchId = store + "-2", StoreId = store, AgentVersion = "test" };
                    again.Receipts.AddRange(batch.Receipts.Where(r => r.Date.Month == 11));
                    await ingest.UploadBatchAsync(again, credential);
                }
            }

            // What the hourly silence check (Operations/SilentAgents) writes when it finds butik-d silent.
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await Hub.Database.InsertAsync("agent_silence", ["store_id", "checked_unix_ms", "silent", "last_upload_unix_ms", "version"],
                new TabSeparatedRows().Row("butik-d", now, true, now - 1000, now).Row("butik-a", now, false, now - 1000, now));

            // What the hub publishes for Grafana every hour (and on every consent change).
            await Hub.Services.GetRequiredService<PublishedTable>().PublishAsync(CancellationToken.None);
        }

        public async Task DisposeAsync()
        {
            await Hub.DisposeAsync();
            Directory.Delete(_clickHouse, recursive: true);
        }
    }

    /// <summary>The repository's root: the folder above the test's output that holds the solution.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Norsjo.Retail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Norsjo.Retail.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<(string File, JsonElement Panel)> Panels()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "dashboards", "grafana"), "*.json");
        Assert.NotEmpty(files);
        return [.. files.Order(StringComparer.Ordinal).SelectMany(f =>
        {
            using var json = JsonDocument.Parse(File.ReadAllText(f));
            return json.RootElement.GetProperty("panels").EnumerateArray().Select(p => (Path.GetFileName(f), p.Clone())).ToList();
        })];
    }

    private sealed record Result(IReadOnlyList<(string Name, string Type)> Meta, IReadOnlyList<JsonElement> Rows)
    {
        public IEnumerable<string> Names => Meta.Select(m => m.Name);
    }

    /// <summary>Runs the SQL as Grafana's user (readonly=2) in <paramref name="database"/>: whether ClickHouse answered, and what it said.</summary>
    private async Task<(bool Answered, string Text)> AsGrafanaAsync(string sql, string database)
    {
        using var http = new HttpClient();
        var url = new Uri(_data.Hub.Database.ServerUrl, $"/?database={database}&max_execution_time=30");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(sql, Encoding.UTF8) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_data.Grafana.Username}:{_data.Grafana.Password}")));
        using var response = await http.SendAsync(request);
        return (response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Runs the SQL as Grafana does, signed in as the read-only user, in the published database, and returns columns and rows.</summary>
    private async Task<Result> RunAsync(string sql, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var (answered, text) = await AsGrafanaAsync(GrafanaMacros.Expand(sql, from ?? From, to ?? To) + "\nFORMAT JSON", _data.PublishedDatabase);
        Assert.True(answered, $"ClickHouse refused:\n{sql}\n{text}");
        var json = JsonDocument.Parse(text).RootElement;
        return new Result(
            [.. json.GetProperty("meta").EnumerateArray().Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("type").GetString()!))],
            [.. json.GetProperty("data").EnumerateArray().Select(r => r.Clone())]);
    }

    private static string Sql(string title) =>
        Panels().Single(p => p.Panel.GetProperty("title").GetString() == title).Panel.GetProperty("targets")[0].GetProperty("rawSql").GetString()!;

    /// <summary>ClickHouse writes 64-bit integers as JSON strings.</summary>
    private static decimal Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? decimal.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetDecimal();

    private static long Gross(Receipt r) => r.Lines.Sum(l => l.GrossOre);

    [Fact]
    public void Every_panel_has_a_Swedish_title_and_the_ClickHouse_plugin_as_its_data_source()
    {
        var panels = Panels();

        Assert.Equal(Columns.Keys.Order(StringComparer.Ordinal), panels.Select(p => p.Panel.GetProperty("title").GetString()!).Order(StringComparer.Ordinal));
        string[] english = ["sales", "share", "per month", "per hour", "stores", "agent ", "deliveries", "receipts", "last "];
        foreach (var (file, panel) in panels)
        {
            var title = panel.GetProperty("title").GetString()!;
            Assert.DoesNotContain(english, w => title.Contains(w, StringComparison.OrdinalIgnoreCase));
            Assert.False(string.IsNullOrWhiteSpace(panel.GetProperty("description").GetString()), $"{file}: '{title}' explains itself");
            Assert.Equal(PluginType, panel.GetProperty("datasource").GetProperty("type").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t =>
            {
                Assert.Equal(PluginType, t.GetProperty("datasource").GetProperty("type").GetString());
                Assert.Equal("sql", t.GetProperty("editorType").GetString());
                Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("rawSql").GetString()));
            });
        }

        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "dashboards", "grafana"), "*.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(PluginType, json.RootElement.GetProperty("__inputs")[0].GetProperty("pluginId").GetString());
        }
    }

    [Fact]
    public async Task Every_panel_query_runs_read_only_and_returns_the_columns_it_shows()
    {
        foreach (var (file, panel) in Panels())
        {
            var title = panel.GetProperty("title").GetString()!;
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var result = await RunAsync(target.GetProperty("rawSql").GetString()!);

                Assert.True(Columns[title].SequenceEqual(result.Names), $"{file}: '{title}' returns {string.Join(", ", result.Names)}");
                Assert.NotEmpty(result.Rows);
                if (target.GetProperty("format").GetInt32() == 0)
                {
                    // A time series: the plugin needs its first column to be a time.
                    Assert.Equal("timeSeries", target.GetProperty("queryType").GetString());
                    Assert.Contains(result.Meta[0].Type, new[] { "Date", "DateTime" });
                }
            }
        }
    }

    [Fact]
    public async Task Monthly_sales_equal_what_was_sold_and_a_month_of_two_stores_is_not_shown()
    {
        var result = await RunAsync(Sql("Försäljning per månad, alla butiker (kr inkl. moms)"));

        var november = _data.Receipts.Where(r => r.Receipt.Date.Month == 11).ToList();
        Assert.Equal(3, november.Select(r => r.Store).Distinct().Count());
        Assert.Equal(2, _data.Receipts.Where(r => r.Receipt.Date.Month == 10).Select(r => r.Store).Distinct().Count());
        var row = Assert.Single(result.Rows); // October, with two stores, is left out
        Assert.Equal("2026-11-01", row.GetProperty("time").GetString());
        Assert.Equal(november.Sum(r => Gross(r.Receipt)) / 100m, Math.Round(Number(row.GetProperty("Försäljning (kr)")), 2));

        var stores = await RunAsync(Sql("Rapporterande butiker per månad"));
        Assert.Equal([2m, 3m], stores.Rows.Select(r => Number(r.GetProperty("Butiker"))));
    }

    [Fact]
    public async Task The_cash_share_is_the_cash_part_of_what_was_paid_in_months_of_three_stores()
    {
        var result = await RunAsync(Sql("Kontantandel per månad"));

        var payments = _data.Receipts.Where(r => r.Receipt.Date.Month == 11).SelectMany(r => r.Receipt.Payments).ToList();
        var row = Assert.Single(result.Rows);
        Assert.Equal("2026-11-01", row.GetProperty("time").GetString());
        Assert.Equal(Math.Round((decimal)payments.Where(p => p.Method == PaymentMethod.Cash).Sum(p => p.AmountOre) / payments.Sum(p => p.AmountOre), 4),
            Number(row.GetProperty("Kontantandel")));
    }

    [Fact]
    public async Task Receipts_per_hour_count_what_was_sold_and_hours_of_fewer_than_three_stores_are_left_out()
    {
        var result = await RunAsync(Sql("Kvitton per timme på dygnet"));

        // Each month's hour is a cell of its own: October (two stores) adds nothing.
        var expected = _data.Receipts.DistinctBy(r => (r.Store, r.Receipt.ReceiptKey)).Where(r => r.Receipt.Date.Month == 11).GroupBy(r => r.Receipt.MinuteOfDay / 60)
            .Where(g => DisclosureRule.Check(g.GroupBy(r => r.Store).Select(s => (decimal)s.Count()), new DisclosureOptions()).Shown)
            .OrderBy(g => g.Key)
            .Select(g => ($"{g.Key:00}:00", (decimal)g.Count()))
            .ToList();
        Assert.InRange(expected.Count, 1, 11); // some hours had only two stores
        Assert.Equal(expected, result.Rows.Select(r => (r.GetProperty("Timme").GetString()!, Number(r.GetProperty("Kvitton")))));
    }

    [Fact]
    public async Task Deliveries_per_locality_merge_small_localities_and_hide_a_merged_group_of_two_stores()
    {
        var sql = Sql("Hemsändningar per ort");

        var all = await RunAsync(sql);
        var rows = all.Rows.ToDictionary(r => r.GetProperty("Ort").GetString()!, StringComparer.Ordinal);
        Assert.Equal(["Kusfors", "Övriga orter"], rows.Keys.Order(StringComparer.Ordinal));
        var kusfors = _data.Deliveries.Where(d => d.Delivery.Locality == "Kusfors").ToList();
        var others = _data.Deliveries.Where(d => d.Delivery.Locality != "Kusfors").ToList();
        Assert.Equal(kusfors.Count, Number(rows["Kusfors"].GetProperty("Leveranser")));
        Assert.Equal(kusfors.Select(d => (d.Store, d.Delivery.HouseholdKey)).Distinct().Count(), Number(rows["Kusfors"].GetProperty("Hushåll")));
        Assert.Equal(Math.Round((decimal)kusfors.Average(d => d.Delivery.DistanceM) / 1000, 1), Number(rows["Kusfors"].GetProperty("Medelavstånd (km)")));
        Assert.Equal(others.Count, Number(rows["Övriga orter"].GetProperty("Leveranser")));
        Assert.Equal(3, Number(rows["Övriga orter"].GetProperty("Butiker")));

        // Up to the 20th butik-d had not delivered; but only whole months are published, so a range
        // that ends on the 20th shows all of November, and no two ranges differ by a day.
        var early = await RunAsync(sql, to: new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(all.Rows.Select(r => r.ToString()), early.Rows.Select(r => r.ToString()));
    }

    [Fact]
    public async Task Agent_freshness_lists_every_store_that_delivered_and_the_silent_one()
    {
        var silent = await RunAsync(Sql("Tysta agenter"));
        Assert.Equal(1m, Number(Assert.Single(silent.Rows).GetProperty("Tysta agenter")));

        var fresh = await RunAsync(Sql("Agenternas senaste leverans"));
        var rows = fresh.Rows.ToDictionary(r => r.GetProperty("Butik").GetString()!, StringComparer.Ordinal);
        Assert.Equal(Data.Stores, rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(rows.Values, r => Assert.InRange(Number(r.GetProperty("Timmar sedan")), -0.1m, 1m));
        Assert.Equal("2026-11-12", rows["butik-a"].GetProperty("Senaste försäljningsdag").GetString());
        Assert.Equal(string.Empty, rows["butik-d"].GetProperty("Senaste försäljningsdag").GetString()); // deliveries only, no sales
        Assert.Equal("Ja", rows["butik-d"].GetProperty("Tyst").GetString());
        Assert.Equal("Nej", rows["butik-a"].GetProperty("Tyst").GetString());
    }

    [Fact]
    public async Task The_Grafana_user_reads_the_published_figures_and_nothing_else()
    {
        var hub = _data.Hub.Database.Name;
        Assert.True((await AsGrafanaAsync("SELECT count() FROM municipal_figures", _data.PublishedDatabase)).Answered);

        // The raw sales, the aggregates, the old credential tables: refused, whichever database the query names or starts in.
        foreach (var table in new[] { "receipts", "receipt_lines", "sales_daily", "receipts_hourly", "home_deliveries", "users", "store_credentials", "enrollment_codes", "store_consents" })
        {
            Assert.False((await AsGrafanaAsync($"SELECT count() FROM {hub}.{table}", _data.PublishedDatabase)).Answered, $"{table} was readable from the published database");
            Assert.False((await AsGrafanaAsync($"SELECT count() FROM {table}", hub)).Answered, $"{table} was readable in the hub's database");
        }

        Assert.False((await AsGrafanaAsync("INSERT INTO municipal_figures (figure) VALUES ('sales')", _data.PublishedDatabase)).Answered);
    }

    [Fact]
    public void The_macros_expand_as_the_plugin_expands_them_and_nothing_else_is_accepted()
    {
        var from = new DateTimeOffset(2026, 3, 29, 22, 30, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal("sale_date >= toDate('2026-03-29') AND sale_date <= toDate('2026-04-02') AND t < toDateTime(1775109600) AND t >= toDateTime(1774823400)",
            GrafanaMacros.Expand("$__dateFilter(sale_date) AND t < $__toTime AND t >= $__fromTime", from, to));
        Assert.Throws<ArgumentException>(() => GrafanaMacros.Expand("WHERE $__timeFilter(t)", from, to));
        Assert.Throws<ArgumentException>(() => GrafanaMacros.Expand("WHERE store_id = '${store}'", from, to));
        Assert.Throws<ArgumentException>(() => GrafanaMacros.Expand("WHERE store_id = $store", from, to));
    }
}
