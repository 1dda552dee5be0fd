using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Every dashboard API call against three years of generated data for 30 stores: p50 and p95 over
/// HTTP (sign-in, authorisation, JSON and all), next to the same SQL run by clickhouse-client in
/// the same run. The generator fills the day and hour aggregates directly — the tables every
/// dashboard query reads — with the shape a village shop's data has.
/// </summary>
public static class QueryBenchmark
{
    private const string Command = "./norsjo bench queries";
    private const int Runs = 30;
    internal static readonly string[] Villages = ["Norsjö", "Bastuträsk", "Kusfors", "Norsjövallen", "Pauliström"];
    private static readonly (string Category, int Vat, int Share)[] Categories =
        [("dagligvaror", 1200, 60), ("tobak", 2500, 12), ("tidningar", 600, 5), ("blommor", 1200, 5), ("jarnhandel", 2500, 18)];

    public static async Task<int> RunAsync()
    {
        var stores = Enumerable.Range(1, 30).Select(i => ($"bench-s{i:00}", Villages[i % 7 % Villages.Length])).ToArray();
        await using var hub = await BenchHub.StartAsync(stores);
        var end = new DateOnly(2026, 11, 26);
        var start = end.AddYears(-3).AddDays(1);
        var clock = Stopwatch.StartNew();
        var rows = await FillAsync(hub.Database, stores.Select(s => s.Item1).ToList(), start, end);
        Console.WriteLine($"Query benchmark on {Environment.ProcessorCount} cores. Reproduce: {Command}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data: 30 stores, {start:yyyy-MM-dd}..{end:yyyy-MM-dd}, {rows:N0} aggregate rows, generated and loaded in {clock.Elapsed.TotalSeconds:N0} s"));

        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("bench-admin", "bench-password-123", UserRole.Admin, []);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
        (await http.PostAsJsonAsync("/api/login", new { username = "bench-admin", password = "bench-password-123" })).EnsureSuccessStatusCode();

        var store = "bench-s07";
        var year = (From: end.AddDays(-364), To: end);
        string Range(DateOnly f, DateOnly t) => $"from={f:yyyy-MM-dd}&to={t:yyyy-MM-dd}";
        var cases = new (string Name, string Url, string[] Sql)[]
        {
            ("store trend, days, 90 d", $"/api/stores/{store}/trend?grain=day&{Range(end.AddDays(-89), end)}",
                [StoreAnalytics.TrendSql(store, "day", end.AddDays(-89), end), StoreAnalytics.TrendSql(store, "day", end.AddDays(-89 - 364), end.AddDays(-364))]),
            ("store trend, months, 3 y", $"/api/stores/{store}/trend?grain=month&{Range(start, end)}",
                [StoreAnalytics.TrendSql(store, "month", start, end), StoreAnalytics.TrendSql(store, "month", start.AddYears(-1), end.AddYears(-1))]),
            ("store hours × weekday, 1 y", $"/api/stores/{store}/hours?{Range(year.From, year.To)}", [StoreAnalytics.HoursSql(store, year.From, year.To)]),
            ("store baskets, 1 y", $"/api/stores/{store}/baskets?{Range(year.From, year.To)}", [StoreAnalytics.BasketsSql(store, year.From, year.To)]),
            ("store payments, 1 y", $"/api/stores/{store}/payments?{Range(year.From, year.To)}", [StoreAnalytics.PaymentsSql(store, year.From, year.To)]),
            ("store categories, 1 y", $"/api/stores/{store}/categories?{Range(year.From, year.To)}", [StoreAnalytics.CategoriesSql(store, year.From, year.To)]),
            ("store returns, 1 y", $"/api/stores/{store}/returns?{Range(year.From, year.To)}", [StoreAnalytics.ReturnsSql(store, year.From, year.To)]),
            ("store deliveries, 1 y", $"/api/stores/{store}/deliveries?{Range(year.From, year.To)}", [StoreAnalytics.DeliveriesSql(store, year.From, year.To)]),
            ("store freshness", $"/api/stores/{store}/freshness", [StoreAnalytics.FreshnessSql(store)]),
            ("index, calendar year 2026", "/api/municipality/index/years/2026", [MonthlyTurnover.Sql(new DateOnly(2025, 1, 1), new DateOnly(2026, 11, 1))]),
            ("index, rolling 12 m × 12 ends", "/api/municipality/index/rolling?from=2025-12&to=2026-11", [MonthlyTurnover.Sql(new DateOnly(2024, 1, 1), new DateOnly(2026, 11, 1))]),
            ("villages, 12 m", "/api/municipality/villages?from=2025-12&to=2026-11", [MonthlyTurnover.Sql(new DateOnly(2024, 12, 1), new DateOnly(2026, 11, 1))]),
            ("cash share, 1 y", $"/api/municipality/cash-share?{Range(year.From, year.To)}", [StoreAnalytics.CashShareSql(year.From, year.To)]),
            ("deliveries, all stores, 1 y", $"/api/municipality/deliveries?{Range(year.From, year.To)}", [StoreAnalytics.DeliveriesSql(null, year.From, year.To)]),
            ("freshness, all stores", "/api/municipality/freshness", [StoreAnalytics.FreshnessSql(null)]),
        };

        Console.WriteLine($"{"query",-32} {"API p50",9} {"API p95",9} {"SQL p50",9} {"SQL p95",9} {"ratio",6}   (ms; ratio = API p50 / SQL p50, SQL by clickhouse-client --time)");
        var slowest = 0.0;
        foreach (var (name, url, sql) in cases)
        {
            var api = await TimeApiAsync(http, url);
            var client = sql.Select(q => ClientTimes(hub.ClickHouseTcpPort, q)).ToList();
            // An endpoint that runs several statements is compared with their sum, run after run.
            var sqlTimes = Enumerable.Range(0, Runs).Select(i => client.Sum(c => c[i])).ToList();
            var (a50, a95) = (Percentile(api, 50), Percentile(api, 95));
            var (s50, s95) = (Percentile(sqlTimes, 50), Percentile(sqlTimes, 95));
            slowest = Math.Max(slowest, a95);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} {a50,9:N1} {a95,9:N1} {s50,9:N1} {s95,9:N1} {a50 / Math.Max(s50, 0.1),6:N1}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slowest API p95: {slowest:N1} ms  target < 100 ms"));
        return 0;
    }

    private static async Task<List<double>> TimeApiAsync(HttpClient http, string url)
    {
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync(new Uri(url, UriKind.Relative))).EnsureSuccessStatusCode();
        }

        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    /// <summary>The statement run <see cref="Runs"/> times (after one warm-up) in one clickhouse-client session; its own timings.</summary>
    private static List<double> ClientTimes(int port, string sql)
    {
        var start = new ProcessStartInfo("clickhouse-client") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--database", "norsjo_retail", "--time", "--multiquery", "--format", "Null" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var statement = sql.Trim().TrimEnd(';').Replace('\n', ' ');
        process.StandardInput.Write(string.Concat(Enumerable.Repeat(statement + ";\n", Runs + 1)));
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var times = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => double.TryParse(l.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s * 1000 : -1)
            .Where(t => t >= 0).ToList();
        if (times.Count != Runs + 1)
        {
            throw new InvalidOperationException($"clickhouse-client gave {times.Count} timings: {errors}");
        }

        return times.Skip(1).ToList();
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    internal static async Task<long> FillAsync(ClickHouseDatabase database, IReadOnlyList<string> stores, DateOnly start, DateOnly end)
    {
        var random = new Random(2026);
        long rows = 0;
        foreach (var store in stores)
        {
            var size = 0.5 + random.NextDouble() * 2;
            var sales = new TabSeparatedRows();
            var hourly = new TabSeparatedRows();
            var payments = new TabSeparatedRows();
            var deliveries = new TabSeparatedRows();
            var batches = new TabSeparatedRows();
            for (var day = start; day <= end; day = day.AddDays(1))
            {
                var season = 1 + 0.3 * Math.Sin((day.DayOfYear - 80) / 365.0 * 2 * Math.PI);
                var receipts = (int)(120 * size * season * (day.DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday ? 1.3 : 1));
                var grossOre = receipts * random.Next(15_000, 25_000);
                foreach (var (category, vat, share) in Categories)
                {
                    var rate = category == "dagligvaror" && day >= new DateOnly(2026, 4, 1) ? 600 : vat;
                    var gross = grossOre * share / 100;
                    sales.Row(store, day, category, rate, (long)gross, (long)(gross * rate / (10_000 + rate)), (long)(gross / 200), (long)(gross / 5), 1L);
                }

                for (var hour = 8; hour < 20; hour++)
                {
                    for (var bucket = 1; bucket <= 4; bucket++)
                    {
                        var n = (receipts / 48) + random.Next(3);
                        hourly.Row(store, day, hour, "in_store", bucket, n, (long)n * (bucket * 10_000), 1L);
                    }
                }

                foreach (var (method, share) in new[] { ("card", 55), ("swish", 30), ("cash", 12), ("invoice", 3) })
                {
                    payments.Row(store, day, method, (long)grossOre * share / 100, 1L);
                }

                if (random.Next(3) == 0)
                {
                    deliveries.Row(store, day, $"{store}-{day:yyyyMMdd}", $"hh-{random.Next(40)}", Villages[random.Next(Villages.Length)], random.Next(2_000, 30_000), random.Next(20_000, 150_000), 1L);
                }

                batches.Row(store, $"{store}-{day:yyyyMMdd}", day, receipts, 0, 0, "bench", (ulong)new DateTimeOffset(day.ToDateTime(new TimeOnly(21, 0)), TimeSpan.Zero).ToUnixTimeMilliseconds());
            }

            await database.InsertAsync("sales_daily", ["store_id", "sale_date", "category", "vat_rate_bp", "gross_ore", "vat_ore", "returned_gross_ore", "quantity_milli", "version"], sales);
            await database.InsertAsync("receipts_hourly", ["store_id", "sale_date", "hour", "channel", "basket_bucket", "receipts", "gross_ore", "version"], hourly);
            await database.InsertAsync("payments_daily", ["store_id", "sale_date", "method", "amount_ore", "version"], payments);
            await database.InsertAsync("home_deliveries", ["store_id", "delivery_date", "delivery_key", "household_key", "locality", "distance_m", "order_value_ore", "version"], deliveries);
            await database.InsertAsync("ingest_batches", ["store_id", "batch_id", "received_date", "receipts", "daily_totals", "home_deliveries", "agent_version", "version"], batches);
            rows += sales.Count + hourly.Count + payments.Count + deliveries.Count + batches.Count;
        }

        // Merged, as a running hub's tables are most of the time.
        foreach (var table in new[] { "sales_daily", "receipts_hourly", "payments_daily", "home_deliveries", "ingest_batches" })
        {
            await database.ExecuteAsync($"OPTIMIZE TABLE {table} FINAL");
        }

        return rows;
    }
}
