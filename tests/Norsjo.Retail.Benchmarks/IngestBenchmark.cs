using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// Receipts per second from simulated agents through gRPC (TLS, loopback) into ClickHouse, next to
/// the same rows inserted by clickhouse-client as TabSeparated in the same run: the ratio is what
/// the hub costs (authentication, validation, duplicate checks, the day aggregates, TLS).
/// </summary>
public static class IngestBenchmark
{
    private const int Agents = 4;
    private const int PerAgent = 10_000;
    private const int BatchSize = 500;

    public static async Task<int> RunAsync(string command)
    {
        var stores = Enumerable.Range(1, Agents).Select(i => $"bench-i{i:00}").ToArray();
        await using var hub = await BenchHub.StartAsync(stores);
        var receipts = AgentBenchmark.MakeReceipts(PerAgent);
        var credentials = new List<string>();
        foreach (var store in stores)
        {
            credentials.Add(await hub.EnrollAsync(store));
        }

        Console.WriteLine($"Ingest benchmark on {Environment.ProcessorCount} cores. Reproduce: {command}");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(stores.Select((store, i) => SendAsync(hub, store, credentials[i], receipts)));
        var hubSeconds = clock.Elapsed.TotalSeconds;
        var total = Agents * PerAgent;

        // The same rows, straight into a database of the same schema, by clickhouse-client.
        using var raw = new ClickHouseDatabase(hub.ClickHouseLogin.InUrl(hub.Database.ServerUrl), "bench_raw");
        await new SchemaMigrator(raw, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        var (rows, lines, payments) = Rows(stores, receipts);
        clock.Restart();
        Insert(hub, "bench_raw.receipts", rows);
        Insert(hub, "bench_raw.receipt_lines", lines);
        Insert(hub, "bench_raw.receipt_payments", payments);
        var clientSeconds = clock.Elapsed.TotalSeconds;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest.hub     {Agents} agents × {PerAgent:N0} receipts in batches of {BatchSize}, gRPC/TLS → ClickHouse: {total / hubSeconds,9:N0} receipts/s ({hubSeconds:N1} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest.client  the same rows (receipts, lines, payments) by clickhouse-client TabSeparated:    {total / clientSeconds,9:N0} receipts/s ({clientSeconds:N1} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest.ratio   hub / client throughput: {clientSeconds / hubSeconds:N2}"));
        return 0;
    }

    private static async Task SendAsync(BenchHub hub, string store, string credential, List<Receipt> receipts)
    {
        using var channel = Norsjo.Retail.Agent.Upload.HubChannel.Create(hub.GrpcUrl, hub.CertificatePath);
        var client = new Ingest.IngestClient(channel);
        var headers = new Grpc.Core.Metadata { { "authorization", "Bearer " + credential } };
        foreach (var (chunk, n) in receipts.Chunk(BatchSize).Select((c, n) => (c, n)))
        {
            var batch = new UploadBatchRequest { BatchId = $"{store}-{n}", StoreId = store };
            batch.Receipts.AddRange(chunk);
            await client.UploadBatchAsync(batch, headers);
        }
    }

    private static (string Receipts, string Lines, string Payments) Rows(IEnumerable<string> stores, List<Receipt> receipts)
    {
        var r = new TabSeparatedRows();
        var l = new TabSeparatedRows();
        var p = new TabSeparatedRows();
        foreach (var store in stores)
        {
            foreach (var receipt in receipts)
            {
                var date = new DateOnly(receipt.Date.Year, receipt.Date.Month, receipt.Date.Day);
                r.Row(store, date, receipt.ReceiptKey, receipt.MinuteOfDay, "in_store", receipt.Lines.Sum(x => x.GrossOre), receipt.Lines.Sum(x => x.VatOre), 0L, "raw", 1L);
                foreach (var line in receipt.Lines)
                {
                    l.Row(store, date, receipt.ReceiptKey, line.Category, line.VatRateBasisPoints, line.Returned, line.GrossOre, line.VatOre, line.QuantityMilli, 1L);
                }

                foreach (var payment in receipt.Payments)
                {
                    p.Row(store, date, receipt.ReceiptKey, "card", payment.AmountOre, 1L);
                }
            }
        }

        return (r.ToString(), l.ToString(), p.ToString());
    }

    private static void Insert(BenchHub hub, string table, string tsv)
    {
        var start = new ProcessStartInfo("clickhouse-client") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--host", "127.0.0.1", "--port", hub.ClickHouseTcpPort.ToString(CultureInfo.InvariantCulture), "--user", hub.ClickHouseLogin.Username, "--password", hub.ClickHouseLogin.Password, "--query", $"INSERT INTO {table} FORMAT TabSeparated" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Write(tsv);
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"clickhouse-client failed: {errors}");
        }
    }
}
