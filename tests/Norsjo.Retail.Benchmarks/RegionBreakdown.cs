using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Hub.Api;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Operational;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Tenancy;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Where the region's call spends its time, in the hub's process: the handler (its reads and every
/// municipality's figures) and the JSON of its answer, each timed on its own, with the answer's size
/// and the garbage collections per call. The HTTP call's own p95 is in the query tables beside it.
/// </summary>
public static class RegionBreakdown
{
    public static async Task RunAsync(IReadOnlyList<(string Label, BenchHub Hub)> points, DateOnly from, DateOnly to, int runs, string command)
    {
        ArgumentNullException.ThrowIfNull(points);
        Console.WriteLine();
        Console.WriteLine($"region's call in process (ms): the handler, then its answer's JSON   {command}");
        Console.WriteLine($"{"grid point",-22} {"handler p50",12} {"handler p95",12} {"JSON p50",9} {"JSON p95",9} {"answer kB",10} {"GC0/1/2 per call",17}");
        foreach (var (label, hub) in points)
        {
            var services = hub.Services;
            var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var (handler, serialise) = (new List<double>(), new List<double>());
            var bytes = 0;
            var gc = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            for (var run = -1; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                var answer = await RegionApi.GetMunicipalities($"{from:yyyy-MM}", $"{to:yyyy-MM}", services.GetRequiredService<Municipalities>(),
                    services.GetRequiredService<OperationalStore>(), services.GetRequiredService<IStoreConsents>(), services.GetRequiredService<ClickHouseStorage>(), CancellationToken.None);
                var made = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                bytes = JsonSerializer.SerializeToUtf8Bytes(answer.Value, json).Length;
                if (run >= 0)
                {
                    handler.Add(made);
                    serialise.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            var after = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var n = (double)(runs + 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-22} {Percentile(handler, 50),12:N1} {Percentile(handler, 95),12:N1} {Percentile(serialise, 50),9:N1} {Percentile(serialise, 95),9:N1} {bytes / 1024.0,10:N0} {$"{(after.Item1 - gc.Item1) / n:N1}/{(after.Item2 - gc.Item2) / n:N1}/{(after.Item3 - gc.Item3) / n:N1}",17}"));
        }
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
