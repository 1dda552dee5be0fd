using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.ServicePoints;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Tenancy;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Every dashboard API call over HTTP (sign-in, authorisation, JSON and all), next to the same SQL
/// run by clickhouse-client, on a grid of 1, 3 and 10 years of data × 30, 300 and 3,000 stores:
/// how the cost grows. One ClickHouse server holds every grid point in a database of its own, each
/// with a hub whose registry lists its stores; each query is timed on all grid points in turn,
/// run after run, so the machine's noise falls on all of them alike and the ratios are side by side.
/// Each call gets 3 warm-ups and --runs timed runs (20), except where it takes seconds (thousands of
/// stores): after 10 s on one grid point it stops at 5 runs; the tables say how many each had.
/// </summary>
public static class QueryBenchmark
{
    private static readonly DateOnly End = new(2026, 11, 26);
    private const int Warmups = 3;
    private const int MinimumRuns = 5;

    /// <summary>Time spent on one call at one grid point past which it stops at <see cref="MinimumRuns"/>.</summary>
    private const double BudgetMs = 10_000;

    /// <param name="Today">For the municipality's index calls: today's path (the months computed from every store's days at query time), timed by clickhouse-client beside the new one.</param>
    /// <param name="Region">The region's call (every municipality on the hub); its today's path is the loop of each municipality's own calls, timed in the hub's process.</param>
    private sealed record Case(string Name, bool Municipality, string Url, string[] Sql, string[]? Today = null, bool Region = false);

    private sealed class Point(int stores, int years, BenchHub hub, HttpClient http) : IAsyncDisposable
    {
        /// <summary>The municipality's own stores (its registry); the hub holds <see cref="Stores"/> in all.</summary>
        public IReadOnlyList<string> Own { get; init; } = [];

        public int Municipalities { get; init; } = 1;

        public int Stores => stores;

        public int Years => years;

        public BenchHub Hub => hub;

        public HttpClient Http => http;

        public string Label => $"{stores} stores × {years} y";

        public Dictionary<string, (double A50, double A95, double S50, double S95, double T95, int Runs)> Results { get; } = [];

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await hub.DisposeAsync();
        }
    }

    public static async Task<int> RunAsync(QuerySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (storeCounts, yearCounts, runs, only, data, command) = (settings.Stores, settings.Years, settings.Runs, settings.Only, settings.Data, settings.Command);
        // Issue 20: the hub serves this many municipalities; the one measured registers its share of the largest
        // grid point's stores, rounded down (5,000 / 290 → 17, so that the other stores make up 289 more of 17–18), the same
        // stores at every point, while the hub's other stores grow.
        // 1 (the default): one municipality registers every store on the hub, as before.
        var municipalities = settings.Municipalities;
        Console.WriteLine($"Query benchmark on {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd HH:mm}. Reproduce: {command}");
        var folder = Directory.CreateTempSubdirectory("norsjo-bench-queries").FullName;
        var points = new List<Point>();
        try
        {
            await using var clickHouse = await LocalClickHouseServer.StartAsync(data is null ? Path.Combine(folder, "clickhouse") : Path.GetFullPath(data));
            try
            {
                foreach (var stores in storeCounts)
                {
                    foreach (var years in yearCounts)
                    {
                        points.Add(await StartPointAsync(clickHouse, stores, years, municipalities == 1 ? stores : Math.Min(stores, Math.Max(1, storeCounts.Max() / municipalities)), municipalities, data));
                    }
                }

                await MeasureAsync(points, runs, only);
                if (Names(only).Any(n => n.Region))
                {
                    await RegionBreakdown.RunAsync(points.Select(p => (p.Label, p.Hub)).ToList(), RegionFrom, RegionTo, runs, command);
                }
            }
            finally
            {
                foreach (var point in points)
                {
                    await point.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Report(points, command, only);
        return 0;
    }

    /// <summary>
    /// A grid point: the measured municipality registers stores 1..<paramref name="own"/>; with
    /// <paramref name="municipalities"/> &gt; 1 the hub's other stores are split evenly among as many
    /// further municipalities as make up that many (fewer at a small point: as many as have about
    /// <paramref name="own"/> stores), so the region's call reads every store on the hub.
    /// </summary>
    /// <param name="data">With --data: the hub's operational store is kept there too, so its published months are read, not made again.</param>
    private static async Task<Point> StartPointAsync(LocalClickHouseServer clickHouse, int stores, int years, int own, int municipalities, string? data)
    {
        var all = BenchData.Stores(stores);
        var registry = all[..own];
        var further = Math.Min(municipalities, (int)Math.Ceiling(stores / (double)own)) - 1;
        var rest = all[own..];
        var others = Enumerable.Range(0, further)
            .Select(k => ($"bench-m{k + 2:000}", rest[(int)((long)rest.Length * k / further)..(int)((long)rest.Length * (k + 1) / further)]))
            .ToList();
        var name = $"bench_{stores}_stores_{years}_years";
        var hub = await BenchHub.StartAsync(registry, others, clickHouse, name,
            data is null ? [] : ["--Operational:SqlitePath=" + Path.Combine(Path.GetFullPath(data), $"operational-{name}-{municipalities}-{own}.db")]);
        var start = End.AddYears(-years).AddDays(1);
        var clock = Stopwatch.StartNew();
        var kept = (await hub.Database.QueryAsync<CountRow>($"SELECT count() AS Rows FROM {TurnoverMonths.Table}"))[0].Rows > 0;
        var rows = kept ? 0 : await BenchData.FillAsync(hub.Database, stores, start, End);
        Console.WriteLine(kept
            ? string.Create(CultureInfo.InvariantCulture, $"data: {stores,5} stores × {years,2} y ({start:yyyy-MM-dd}..{End:yyyy-MM-dd}): kept from an earlier run (--data)")
            : string.Create(CultureInfo.InvariantCulture, $"data: {stores,5} stores × {years,2} y ({start:yyyy-MM-dd}..{End:yyyy-MM-dd}): {rows,13:N0} rows, generated in ClickHouse and merged in {clock.Elapsed.TotalSeconds,5:N0} s"));

        // Each municipality's months published, as a running hub's publication job would have done them, before anything is timed.
        clock.Restart();
        foreach (var municipality in hub.Services.GetRequiredService<Municipalities>().All)
        {
            await municipality.GetRequiredService<MunicipalFigures>().RollingAsync(RegionFrom, RegionTo, CancellationToken.None);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"      {further + 1} municipalities of {registry.Length}–{(others.Count == 0 ? registry.Length : others.Max(o => o.Item2.Length))} stores, their months published in {clock.Elapsed.TotalSeconds:N0} s"));
        await hub.Services.GetRequiredService<UserStore>().SaveAsync("bench-admin", "bench-password-123", UserRole.Admin, []);
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl, Timeout = TimeSpan.FromMinutes(2) };
        (await http.PostAsJsonAsync("/api/login", new { username = "bench-admin", password = "bench-password-123" })).EnsureSuccessStatusCode();
        return new Point(stores, years, hub, http)
        {
            Own = [.. registry.Select(s => s.Id)],
            Municipalities = further + 1,
        };
    }

    private sealed record CountRow(ulong Rows);

    /// <summary>The first day freshness reads before its whole history (see StoreAnalytics.FreshnessAsync).</summary>
    private static DateOnly Recent => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-StoreAnalytics.RecentDays);

    private static readonly DateOnly RegionFrom = new(2025, 12, 1);
    private static readonly DateOnly RegionTo = new(2026, 11, 1);

    /// <summary>Today's path of the region's call: each municipality's own rolling index and service watch, one after the other (as Api/RegionApi.cs did), in the hub's process.</summary>
    private static async Task<double> TodayRegionAsync(BenchHub hub)
    {
        var clock = Stopwatch.StartNew();
        foreach (var municipality in hub.Services.GetRequiredService<Municipalities>().All)
        {
            await MunicipalityApi.GetIndexRolling($"{RegionFrom:yyyy-MM}", $"{RegionTo:yyyy-MM}", municipality.GetRequiredService<SalesIndexService>(),
                municipality.GetRequiredService<MunicipalFigures>(), CancellationToken.None);
            await ServicePointApi.Watch(null, municipality.GetRequiredService<ServicePointStore>(), municipality.Facts, CancellationToken.None);
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// The dashboard's calls for one grid point. The store is the measured municipality's seventh (its
    /// last if it has fewer): a store that exists, the same at every grid point (the municipality's
    /// stores are the same everywhere).
    /// </summary>
    private static Case[] Cases(int years, IReadOnlyList<string> own)
    {
        var store = own.Count == 0 ? BenchData.StoreId(1) : own[Math.Min(7, own.Count) - 1];
        var end = End;
        // All the data, up to the three years the API allows in one range.
        var trendFrom = end.AddYears(-Math.Min(years, 3)).AddDays(1);
        var year = (From: end.AddDays(-364), To: end);
        string Range(DateOnly f, DateOnly t) => $"from={f:yyyy-MM-dd}&to={t:yyyy-MM-dd}";
        static DateOnly Month(DateOnly day) => new(day.Year, day.Month, 1);
        return
        [
            new("store trend, days, 90 d", false, $"/api/stores/{store}/trend?grain=day&{Range(end.AddDays(-89), end)}",
                [StoreAnalytics.TrendSql(store, "day", end.AddDays(-89), end), StoreAnalytics.TrendSql(store, "day", end.AddDays(-89 - 364), end.AddDays(-364))]),
            new("store trend, months, ≤ 3 y", false, $"/api/stores/{store}/trend?grain=month&{Range(trendFrom, end)}",
                [StoreAnalytics.TrendSql(store, "month", trendFrom, end), StoreAnalytics.TrendSql(store, "month", trendFrom.AddYears(-1), end.AddYears(-1))]),
            new("store hours × weekday, 1 y", false, $"/api/stores/{store}/hours?{Range(year.From, year.To)}", [StoreAnalytics.HoursSql(store, year.From, year.To)]),
            new("store baskets, 1 y", false, $"/api/stores/{store}/baskets?{Range(year.From, year.To)}", [StoreAnalytics.BasketsSql(store, year.From, year.To)]),
            new("store payments, 1 y", false, $"/api/stores/{store}/payments?{Range(year.From, year.To)}", [StoreAnalytics.PaymentsSql(store, year.From, year.To)]),
            new("store categories, 1 y", false, $"/api/stores/{store}/categories?{Range(year.From, year.To)}", [StoreAnalytics.CategoriesSql(store, year.From, year.To)]),
            new("store returns, 1 y", false, $"/api/stores/{store}/returns?{Range(year.From, year.To)}", [StoreAnalytics.ReturnsSql(store, year.From, year.To)]),
            new("store deliveries, 1 y", false, $"/api/stores/{store}/deliveries?{Range(year.From, year.To)}", [StoreAnalytics.DeliveriesSql(store, year.From, year.To)]),
            // Freshness reads the last StoreAnalytics.RecentDays days first (the hub's clock is the machine's); today's path: the whole history.
            new("store freshness", false, $"/api/stores/{store}/freshness", [StoreAnalytics.FreshnessSql(store, null, Recent)], [StoreAnalytics.FreshnessSql(store)]),
            new("index, calendar year 2026", true, "/api/municipality/index/years/2026", [TurnoverMonths.Sql(new DateOnly(2025, 1, 1), new DateOnly(2026, 11, 1), own)], [MonthlyTurnover.Sql(new DateOnly(2025, 1, 1), new DateOnly(2026, 11, 1))]),
            new("index, rolling 12 m × 12 ends", true, "/api/municipality/index/rolling?from=2025-12&to=2026-11", [TurnoverMonths.Sql(new DateOnly(2024, 1, 1), new DateOnly(2026, 11, 1), own)], [MonthlyTurnover.Sql(new DateOnly(2024, 1, 1), new DateOnly(2026, 11, 1))]),
            new("villages, 12 m", true, "/api/municipality/villages?from=2025-12&to=2026-11", [TurnoverMonths.Sql(new DateOnly(2024, 12, 1), new DateOnly(2026, 11, 1), own)], [MonthlyTurnover.Sql(new DateOnly(2024, 12, 1), new DateOnly(2026, 11, 1))]),
            // The municipal figures are made from each month's published rows (Disclosure/PublishedMonths.cs): the SQL is what
            // publishing the months reads; once published, a month is read from the operational store.
            new("cash share, 1 y", true, $"/api/municipality/cash-share?from={year.From:yyyy-MM}&to={year.To:yyyy-MM}", [.. PublishedMonths.LiveSql(Month(year.From), Month(year.To), own)], [.. PublishedMonths.LiveSql(Month(year.From), Month(year.To))]),
            new("deliveries, all stores, 1 month", true, $"/api/municipality/deliveries?month={year.To:yyyy-MM}", [.. PublishedMonths.LiveSql(Month(year.To), Month(year.To), own)], [.. PublishedMonths.LiveSql(Month(year.To), Month(year.To))]),
            new("freshness, all stores", true, "/api/municipality/freshness", [StoreAnalytics.FreshnessSql(null, own, Recent)], [StoreAnalytics.FreshnessSql(null, own)]),
            // Every municipality's rolling index and service watch; the SQL is its one ClickHouse read (the month not published, every store).
            new("region: every municipality", true, $"/api/region/municipalities?from={RegionFrom:yyyy-MM}&to={RegionTo:yyyy-MM}",
                [TurnoverMonths.Sql(RegionTo, RegionTo, null)], Region: true),
        ];
    }

    /// <summary>Each query on every grid point in turn, run after run (API), then its SQL per grid point in one clickhouse-client session.</summary>
    private static async Task MeasureAsync(List<Point> points, int runs, string? only)
    {
        var clock = Stopwatch.StartNew();
        foreach (var name in Names(only).Select(c => c.Name))
        {
            var cases = points.Select(p => Cases(p.Years, p.Own).Single(c => c.Name == name)).ToList();
            var api = points.Select(_ => new List<double>()).ToList();
            var spent = new double[points.Count];
            var warm = new double[points.Count];
            for (var run = -Warmups; run < runs; run++)
            {
                for (var i = 0; i < points.Count; i++)
                {
                    // A slow call (seconds, at thousands of stores) gets fewer runs: at least MinimumRuns.
                    if ((api[i].Count >= MinimumRuns && spent[i] > BudgetMs) || (run < 0 && warm[i] > 1000))
                    {
                        continue;
                    }

                    var elapsed = await TimeApiAsync(points[i].Http, cases[i].Url);
                    if (run >= 0)
                    {
                        api[i].Add(elapsed);
                        spent[i] += elapsed;
                    }
                    else
                    {
                        warm[i] += elapsed;
                    }
                }
            }

            for (var i = 0; i < points.Count; i++)
            {
                var sql = Summed(points[i].Hub, cases[i].Sql, api[i].Count);
                // Today's path takes seconds at thousands of stores: MinimumRuns of it (its p95 is then the slowest).
                var today = cases[i].Today is { } before ? Percentile(Summed(points[i].Hub, before, Math.Min(api[i].Count, MinimumRuns)), 95)
                    : cases[i].Region ? Percentile(await LoopTimesAsync(points[i].Hub, Math.Min(api[i].Count, MinimumRuns)), 95) : double.NaN;
                points[i].Results[name] = (Percentile(api[i], 50), Percentile(api[i], 95), Percentile(sql, 50), Percentile(sql, 95), today, api[i].Count);
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  measured {name} ({clock.Elapsed.TotalSeconds:N0} s)"));
        }
    }

    private static async Task<List<double>> LoopTimesAsync(BenchHub hub, int runs)
    {
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            times.Add(await TodayRegionAsync(hub));
        }

        return times;
    }

    /// <summary>The calls timed: all, or those whose name contains <paramref name="only"/>.</summary>
    private static List<Case> Names(string? only) =>
        [.. Cases(1, []).Where(c => only is null || only.Split(',').Any(o => c.Name.Contains(o.Trim(), StringComparison.OrdinalIgnoreCase)))];

    private static void Report(List<Point> points, string command, string? only)
    {
        var names = Names(only).Select(c => (c.Name, c.Municipality)).ToList();
        foreach (var point in points)
        {
            Console.WriteLine();
            Console.WriteLine($"{point.Label}   (ms; ratio = API p50 / SQL p50, SQL by clickhouse-client --time)   {command}");
            Console.WriteLine($"{"query",-32} {"API p50",9} {"API p95",9} {"SQL p50",9} {"SQL p95",9} {"ratio",6} {"runs",5} {"today SQL p95",14}");
            foreach (var (name, _) in names)
            {
                var (a50, a95, s50, s95, t95, n) = point.Results[name];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} {a50,9:N1} {a95,9:N1} {s50,9:N1} {s95,9:N1} {a50 / Math.Max(s50, 0.1),6:N1} {n,5} {t95,14:N1}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slowest API p95: {point.Results.Values.Max(r => r.A95):N1} ms  target < 100 ms"));
        }

        // How p95 grows: with stores at the most years measured, with years at the most stores measured.
        var (fewStores, manyStores) = (points.Min(p => p.Stores), points.Max(p => p.Stores));
        var (fewYears, manyYears) = (points.Min(p => p.Years), points.Max(p => p.Years));
        var byStores = points.Where(p => p.Years == manyYears).OrderBy(p => p.Stores).ToList();
        var byYears = points.Where(p => p.Stores == manyStores).OrderBy(p => p.Years).ToList();
        var first = (Stores: byStores[0], Years: byYears[0]);
        var columns = byStores.Skip(1).Select(p => (Title: $"{p.Stores}/{fewStores} st", Point: p, Base: first.Stores))
            .Concat(byYears.Skip(1).Select(p => (Title: $"{p.Years}/{fewYears} y", Point: p, Base: first.Years))).ToList();
        Console.WriteLine();
        Console.WriteLine($"API p95 (ms) on every grid point, and how it grows: p95 ratios with stores at {manyYears} y, with years at {manyStores} stores   {command}");
        Console.WriteLine($"{"query",-32} " + string.Join(' ', points.Select(p => $"{p.Stores + "×" + p.Years + "y",10}")) + "  " + string.Join(' ', columns.Select(c => $"{c.Title,11}")));
        foreach (var (name, municipality) in names)
        {
            var p95 = points.Select(p => FormattableString.Invariant($"{p.Results[name].A95,10:N1}"));
            var ratios = columns.Select(c => FormattableString.Invariant($"{c.Point.Results[name].A95 / c.Base.Results[name].A95,11:N2}"));
            Console.WriteLine($"{(municipality ? "M " : "S ") + name,-32} " + string.Join(' ', p95) + "  " + string.Join(' ', ratios));
        }

        Console.WriteLine("S = one store's dashboard (should stay flat as stores grow), M = municipality-wide (reads the municipality's stores); the region's call reads every municipality's.");

        // Today's path beside the new one: the index calls' SQL as it ran before the months were kept at ingest.
        Console.WriteLine();
        Console.WriteLine($"today's path (months computed from every store's days, SQL p95 of 5 runs by clickhouse-client; the region: each municipality's calls in turn, in process, 5 runs) on every grid point   {command}");
        foreach (var (name, _) in names.Where(n => !double.IsNaN(points[0].Results[n.Name].T95)))
        {
            Console.WriteLine($"{"T " + name,-32} " + string.Join(' ', points.Select(p => FormattableString.Invariant($"{p.Results[name].T95,10:N1}"))));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The municipality measured registers {points[0].Own.Count} of the hub's stores at the first grid point, {points[^1].Own.Count} at the last; the hub has {points[0].Municipalities} municipalities at the first, {points[^1].Municipalities} at the last."));
    }

    private static async Task<double> TimeApiAsync(HttpClient http, string url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {body}");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>An endpoint that runs several statements is compared with their sum, run after run.</summary>
    private static List<double> Summed(BenchHub hub, string[] statements, int runs)
    {
        var client = statements.Select(q => ClientTimes(hub, q, runs)).ToList();
        return [.. Enumerable.Range(0, runs).Select(r => client.Sum(c => c[r]))];
    }

    /// <summary>The statement run <paramref name="runs"/> times (after one warm-up) in one clickhouse-client session; its own timings.</summary>
    private static List<double> ClientTimes(BenchHub hub, string sql, int runs)
    {
        var start = new ProcessStartInfo("clickhouse-client") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--host", "127.0.0.1", "--port", hub.ClickHouseTcpPort.ToString(CultureInfo.InvariantCulture), "--user", hub.ClickHouseLogin.Username, "--password", hub.ClickHouseLogin.Password, "--database", hub.Database.Name, "--time", "--multiquery", "--format", "Null" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var statement = sql.Trim().TrimEnd(';').Replace('\n', ' ');
        process.StandardInput.Write(string.Concat(Enumerable.Repeat(statement + ";\n", runs + 1)));
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var times = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => double.TryParse(l.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s * 1000 : -1)
            .Where(t => t >= 0).ToList();
        if (times.Count != runs + 1)
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
}
