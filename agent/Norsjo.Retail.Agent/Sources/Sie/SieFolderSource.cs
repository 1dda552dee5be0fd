using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Sources.Files;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>A folder where the till or the accounting program puts SIE 4 exports (Agent:SieFolder).</summary>
public sealed class SieFolderSource(
    IOptions<AgentOptions> options, SqliteOutbox outbox, ReceiptAnonymiser anonymiser, Evidence.DeliveryEvidence evidence, TimeProvider time, ILogger<SieFolderSource> logger)
    : FolderSource(options, outbox, anonymiser, evidence, time, logger)
{
    public override string Name => "SIE folder";

    protected override string? FolderPath(AgentOptions settings) => settings.SieFolder;

    protected override IReadOnlyList<IFileFormat> Formats(AgentOptions settings) => [new Sie4Format(settings.Sie)];
}
