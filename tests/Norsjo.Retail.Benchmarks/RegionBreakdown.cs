using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Tenancy;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Where the region's call spends its time, in the hub's process: the handler (its reads and every
/// municipality's figures) and the JSON of its answer, each timed on its own, with the answer's size
/// the garbage collections and the municipalities' parts made afresh (not reused, Api/RegionalParts.cs) per call. The HTTP call's own p95 is in the query tables beside it.
/// </summary>
public static class RegionBreakdown
{
    public static async Task RunAsync(IReadOnlyList<(string Label, BenchHub Hub)> points, DateOnly from, DateOnly to, int runs, string command)
    {
        ArgumentNullException.ThrowIfNull(points);
        Console.WriteLine();
        Console.WriteLine($"region's call in process (ms): the handler, then its answer's JSON   {command}");
        Console.WriteLine($"{"grid point, path",-34} {"handler p50",12} {"handler p95",12} {"JSON p50",9} {"JSON p95",9} {"answer kB",10} {"GC0/1/2 per call",17} {"parts made per call",20}");
        foreach (var (label, hub) in points)
        {
            // Run after run: the parts made afresh every time (a new RegionalParts: the call as it was before the parts were kept), then reused.
            var services = hub.Services;
            var kept = services.GetRequiredService<RegionalParts>();
            var (fresh, reused) = (new Measured(), new Measured());
            for (var run = -1; run < runs; run++)
            {
                await fresh.TimeAsync(services, new RegionalParts(), from, to, run >= 0);
                await reused.TimeAsync(services, kept, from, to, run >= 0);
            }

            Console.WriteLine(fresh.Line($"{label}, made afresh", runs));
            Console.WriteLine(reused.Line($"{label}, kept parts", runs));
        }

        Console.WriteLine();
        Console.WriteLine($"the registry's re-check of every municipality (ms), run after run: one statement per municipality (before) and one grouped statement (RegistryChangeWatch)   {command}");
        Console.WriteLine($"{"grid point",-34} {"municipalities",14} {"before p50",11} {"before p95",11} {"now p50",9} {"now p95",9}");
        foreach (var (label, hub) in points)
        {
            var store = hub.Services.GetRequiredService<OperationalStore>();
            var ids = hub.Services.GetRequiredService<Municipalities>().All.Select(m => m.Municipality.Id).ToList();
            var (before, now) = (new List<double>(), new List<double>());
            for (var run = -1; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                foreach (var id in ids)
                {
                    // As RegistryFacts re-checked before: its own connection and statement, per municipality.
                    using var connection = store.Open();
                    using var statement = connection.CreateCommand();
                    statement.CommandText = $"SELECT max(id) FROM registry_changes WHERE municipality = '{id}'";
                    _ = statement.ExecuteScalar();
                }

                var perMunicipality = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                using (var connection = store.Open())
                using (var statement = connection.CreateCommand())
                {
                    statement.CommandText = RegistryChangeWatch.Sql;
                    using var rows = statement.ExecuteReader();
                    while (rows.Read())
                    {
                    }
                }

                if (run >= 0)
                {
                    before.Add(perMunicipality);
                    now.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-34} {ids.Count,14} {Percentile(before, 50),11:N2} {Percentile(before, 95),11:N2} {Percentile(now, 50),9:N2} {Percentile(now, 95),9:N2}"));
        }
    }

    /// <summary>One way of calling the handler, run after run: its times, its JSON's, the answer's size, the collections and the parts made.</summary>
    private sealed class Measured
    {
        private readonly List<double> _handler = [];
        private readonly List<double> _json = [];
        private readonly int[] _collections = new int[3];
        private long _made;
        private int _bytes;

        public async Task TimeAsync(IServiceProvider services, RegionalParts parts, DateOnly from, DateOnly to, bool timed)
        {
            var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var (made, gc) = (parts.Made, Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray());
            var clock = Stopwatch.StartNew();
            var answer = await RegionApi.GetMunicipalities($"{from:yyyy-MM}", $"{to:yyyy-MM}", services.GetRequiredService<Municipalities>(),
                services.GetRequiredService<OperationalStore>(), services.GetRequiredService<IStoreConsents>(), services.GetRequiredService<ClickHouseStorage>(), parts, CancellationToken.None);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            _bytes = JsonSerializer.SerializeToUtf8Bytes(answer.Value, json).Length;
            if (timed)
            {
                _handler.Add(elapsed);
                _json.Add(clock.Elapsed.TotalMilliseconds);
                _made += parts.Made - made;
                for (var g = 0; g < 3; g++)
                {
                    _collections[g] += GC.CollectionCount(g) - gc[g];
                }
            }
        }

        public string Line(string label, int runs) => string.Create(CultureInfo.InvariantCulture,
            $"{label,-34} {Percentile(_handler, 50),12:N1} {Percentile(_handler, 95),12:N1} {Percentile(_json, 50),9:N1} {Percentile(_json, 95),9:N1} {_bytes / 1024.0,10:N0} {$"{_collections[0] / (double)runs:N1}/{_collections[1] / (double)runs:N1}/{_collections[2] / (double)runs:N1}",17} {_made / (double)runs,20:N1}");
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
