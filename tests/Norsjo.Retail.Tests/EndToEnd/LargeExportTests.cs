using System.Text;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// A big export (issue 23: one file of 100,000 receipts, 36 MB) is taken by an agent held to the
/// memory the shipped systemd unit allows (MemoryMax=200M), because it is read in streamed chunks.
/// </summary>
public sealed class LargeExportTests
{
    [Fact]
    public async Task A_100000_receipt_file_is_taken_by_an_agent_whose_heap_is_limited_to_200_MB()
    {
        using var folder = new TempFolder("agent-large");
        var exports = Path.Combine(folder.Path, "exports");
        Directory.CreateDirectory(exports);
        var random = new Random(100);
        var receipts = 0;
        var deliveries = 0;
        var part = Path.Combine(exports, ".stor.csv.part");
        using (var writer = new StreamWriter(part, false, new UTF8Encoding(false)))
        {
            for (var day = 0; day < 100; day++)
            {
                var sold = DemoSales.Day(new DateOnly(2026, 6, 1).AddDays(day), 1000, 1 + (day * 1000), random);
                receipts += sold.Count;
                deliveries += sold.Count(r => r.Delivery is not null);
                var csv = ReceiptCsv.Write(sold);
                writer.Write(day == 0 ? csv : csv[(ReceiptCsv.Header.Length + 1)..]);
            }
        }

        // The file was 36 MB; the demo till writes shorter rows (about 26 MB for as many receipts).
        Assert.True(new FileInfo(part).Length > 20_000_000, $"the file should be about as big as the one in the issue, not {new FileInfo(part).Length:N0} bytes");
        var file = Path.Combine(exports, "stor.csv");
        File.Move(part, file);

        // No hub: the agent only has to take the file into its outbox.
        var args = RunningAgent.AgentArgs(folder.Path, new Uri($"https://127.0.0.1:{FreePort.Next()}"), string.Empty, "butik-norsjo", "no-hub-here")
            .Where(a => !a.StartsWith("--Agent:HubCertificate=", StringComparison.Ordinal))
            .Append("--Logging:LogLevel:Default=Warning").ToArray();
        using var agent = AgentProcess.Start(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "C800000" }, args);
        await Eventually.WaitUntilAsync(() => !File.Exists(file) || agent.HasExited, "the file taken", TimeSpan.FromSeconds(120));

        Assert.False(agent.HasExited, "the agent died taking the file");
        Assert.False(File.Exists(file), "the file left the export folder");
        Assert.Equal(receipts + deliveries, OutboxItems(Path.Combine(folder.Path, "data", "outbox.db")));
    }

    private static long OutboxItems(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM items";
        return (long)command.ExecuteScalar()!;
    }
}
