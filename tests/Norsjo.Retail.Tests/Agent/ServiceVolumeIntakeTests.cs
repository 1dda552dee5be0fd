using System.Text;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Agent.Sources.ExportFolder;
using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>
/// Service transactions (issue 19) as the tills' export files carry them, and how the agent counts
/// them: once each, per day and kind, in the outbox; only the day's count leaves the store.
/// </summary>
public sealed class ServiceVolumeIntakeTests
{
    private const string Header = "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method;cashier;service";

    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static FileReadResult Read(string format, params string[] lines)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        var distances = new DeliveryDistances(new Dictionary<string, int>());
        return format == "csv" ? new CsvReceiptFormat(distances).Read(bytes) : new JsonLinesReceiptFormat(distances).Read(bytes);
    }

    [Fact]
    public void Service_rows_ride_on_their_receipt_a_receipt_of_services_alone_holds_and_an_amount_is_read_only_for_kontantuttag()
    {
        var result = Read("csv",
            Header,
            "1;2026-10-05 10:01:00;in_store;item;dagligvaror;6;100,00;1;;Anna;",
            "1;2026-10-05 10:01:00;in_store;payment;;;100,00;;kort;Anna;",
            "1;2026-10-05 10:01:00;in_store;service;;;−500,00;;;Anna;kontantuttag",
            "2;2026-10-05 10:07:00;in_store;service;;;;;;Anna;paket_utlämnat",
            "2;2026-10-05 10:07:00;in_store;service;;;;;;Anna;PAKET_UTLAMNAT",
            "3;2026-10-05 11:00:00;in_store;service;;;1 245,00;;;Anna;betala_rakning");

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Receipts.Count);
        Assert.Equal([new ServiceTransaction(ServiceKind.Kontantuttag, 50_000)], result.Receipts[0].Services);
        Assert.Equal(10_000, result.Receipts[0].GoodsOre);
        Assert.Empty(result.Receipts[1].Lines);
        Assert.Equal([new ServiceTransaction(ServiceKind.PaketUtlamnat, 0), new ServiceTransaction(ServiceKind.PaketUtlamnat, 0)], result.Receipts[1].Services);
        Assert.Equal([new ServiceTransaction(ServiceKind.BetalaRakning, 0)], result.Receipts[2].Services);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public void An_unknown_service_or_a_withdrawal_without_amount_refuses_its_receipt_clearly_and_nothing_else(string format)
    {
        var result = format == "csv"
            ? Read("csv",
                Header,
                "1;2026-10-05 10:01:00;in_store;item;dagligvaror;6;100,00;1;;Anna;",
                "1;2026-10-05 10:01:00;in_store;service;;;;;;Anna;frimärken",
                "2;2026-10-05 10:02:00;in_store;service;;;;;;Anna;kontantuttag",
                "3;2026-10-05 10:03:00;in_store;item;dagligvaror;6;50,00;1;;Anna;",
                "3;2026-10-05 10:03:00;in_store;service;;;;;;Anna;apoteksombud")
            : Read("jsonl",
                """{"receipt_no":"1","time":"2026-10-05 10:01","items":[{"category":"dagligvaror","vat_percent":6,"amount":"100,00"}],"services":[{"kind":"frimärken"}]}""",
                """{"receipt_no":"2","time":"2026-10-05 10:02","services":[{"kind":"kontantuttag"}]}""",
                """{"receipt_no":"3","time":"2026-10-05 10:03","items":[{"category":"dagligvaror","vat_percent":6,"amount":"50,00"}],"services":[{"kind":"apoteksombud"}]}""");

        Assert.Equal(2, result.Errors.Count);
        Assert.Contains("\"frimärken\" är en okänd tjänst (kontantuttag, paket_utlamnat, betala_rakning, apoteksombud eller ovrigt)", result.Errors[0].Problem, StringComparison.Ordinal);
        Assert.Contains("ett kontantuttag ska ha ett belopp", result.Errors[1].Problem, StringComparison.Ordinal);
        var kept = Assert.Single(result.Receipts);
        Assert.Equal("3", kept.ReceiptNumber);
        Assert.Equal([new ServiceTransaction(ServiceKind.Apoteksombud, 0)], kept.Services);
    }

    [Fact]
    public void A_file_in_the_old_format_without_a_service_column_still_reads_as_before()
    {
        var result = Read("csv",
            "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method;cashier",
            "1;2026-10-05 10:01:00;in_store;item;dagligvaror;6;100,00;1;;Anna",
            "1;2026-10-05 10:01:00;in_store;payment;;;100,00;;kontant;Anna");

        Assert.Empty(result.Errors);
        Assert.Empty(Assert.Single(result.Receipts).Services);
    }

    [Fact]
    public void The_outbox_counts_each_transaction_once_and_sends_the_whole_day_each_time_it_grows()
    {
        using var folder = new TempFolder("outbox");
        using var outbox = new SqliteOutbox(folder.Path);
        var anonymiser = new ReceiptAnonymiser(Secret);
        var day = new DateOnly(2026, 10, 5);
        var withdrawal = new ServiceTransaction(ServiceKind.Kontantuttag, 20_000);
        ServiceEvent Event(string receipt, ServiceTransaction service, int ordinal = 0) => anonymiser.ServiceKey(receipt, day, service, ordinal);

        Assert.True(outbox.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [Event("1", withdrawal), Event("2", withdrawal with { AmountOre = 30_000 })] }, "file:1", "kassa.csv"));
        // The same file read again (or the plug-in calling twice): nothing new, nothing queued.
        Assert.True(outbox.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [Event("1", withdrawal), Event("2", withdrawal with { AmountOre = 30_000 })] }, "file:2", "kassa.csv"));
        Assert.True(outbox.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [Event("3", withdrawal), Event("3", new ServiceTransaction(ServiceKind.PaketUtlamnat, 0))] }, "file:3", "kassa.csv"));

        var batch = outbox.NextBatch("butik", 100, 1 << 20)!.Request;
        Assert.Empty(batch.Receipts);
        Assert.Equal(
            [("2026-10-05", ServiceKind.Kontantuttag, 2, 50_000L), ("2026-10-05", ServiceKind.Kontantuttag, 3, 70_000L), ("2026-10-05", ServiceKind.PaketUtlamnat, 1, 0L)],
            batch.ServiceVolumes.Select(v => ($"{v.Date.Year}-{v.Date.Month:00}-{v.Date.Day:00}", v.Kind, v.Count, v.AmountOre)).ToList());
        // Nothing of a transaction but its day, kind and amount: no receipt number, no time of day.
        Assert.DoesNotContain("10:0", batch.ToString(), StringComparison.Ordinal);
    }
}
