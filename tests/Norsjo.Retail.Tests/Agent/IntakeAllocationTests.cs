using Microsoft.Extensions.Logging.Abstractions;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Evidence;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Agent.Sources.ExportFolder;
using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.DemoTill;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>
/// What the burst path (a till's export file read, anonymised and stored in the outbox) allocates
/// per receipt: every byte of it is work for the GC, and the native agent's resident memory under a
/// burst is the GC's young generation filled again and again (issue 22's bound, agent/README.md, "Memory").
/// </summary>
public sealed class IntakeAllocationTests : IDisposable
{
    private const int ReceiptsPerFile = 2_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("norsjo-intake-alloc").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_demo_file_is_taken_into_the_outbox_with_at_most_10_kB_allocated_per_receipt()
    {
        using var outbox = new SqliteOutbox(Path.Combine(_folder, "data"));
        var anonymiser = new ReceiptAnonymiser(new byte[32]);
        var intake = new LineFileIntake(outbox, anonymiser, new DeliveryEvidence(Path.Combine(_folder, "data"), anonymiser),
            TimeProvider.System, NullLogger.Instance);
        var format = new CsvReceiptFormat(new DeliveryDistances(new Dictionary<string, int> { ["Kusfors"] = 12_000 }));

        // The first file warms up what is done once (the JIT, SQLite's statements, the anonymiser's key); the second is measured.
        var warm = Take(intake, format, "warm.csv", new DateOnly(2026, 10, 1), 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var measured = Take(intake, format, "kassa.csv", new DateOnly(2026, 10, 2), 100_001);
        var perReceipt = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)ReceiptsPerFile;

        Assert.Equal(Intake.ReadToEnd, warm.Result);
        Assert.Equal(Intake.ReadToEnd, measured.Result);
        Assert.Empty(measured.Errors);
        Assert.InRange(measured.Receipts, ReceiptsPerFile * 9 / 10, ReceiptsPerFile);
        Assert.True(perReceipt <= 10_240, $"{perReceipt:N0} bytes allocated per receipt (at most 10,240; 13,782 before the fields of a row were reused)");
    }

    private IntakeOutcome Take(LineFileIntake intake, CsvReceiptFormat format, string name, DateOnly day, int firstNumber)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, ReceiptCsv.Write(DemoSales.Day(day, ReceiptsPerFile, firstNumber, new Random(7))));
        return intake.Read(path, format, known: null, finished: true, taken: false, headerBefore: null);
    }
}
