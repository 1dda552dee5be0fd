using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>The till's export folder: receipts as CSV or JSON lines (agent/README.md).</summary>
public sealed class ExportFolderSource(
    IOptions<AgentOptions> options, SqliteOutbox outbox, ReceiptAnonymiser anonymiser, Evidence.DeliveryEvidence evidence, TimeProvider time, ILogger<ExportFolderSource> logger)
    : FolderSource(options, outbox, anonymiser, evidence, time, logger)
{
    public override string Name => "export folder";

    protected override string? FolderPath(AgentOptions settings) => settings.ExportFolder;

    protected override ExportFileMode Mode(AgentOptions settings) => settings.ExportFiles;

    protected override IReadOnlyList<IFileFormat> Formats(AgentOptions settings)
    {
        var distances = new DeliveryDistances(settings.Localities);
        return [new CsvReceiptFormat(distances), new JsonLinesReceiptFormat(distances)];
    }
}
