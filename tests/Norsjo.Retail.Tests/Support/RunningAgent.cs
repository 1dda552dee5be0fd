using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Tests.Support;

/// <summary>The real agent, in-process, with its own data and export folders.</summary>
public sealed class RunningAgent : IAsyncDisposable
{
    private readonly IHost _host;

    private RunningAgent(IHost host, TempFolder folder)
    {
        _host = host;
        Folder = folder;
    }

    public TempFolder Folder { get; }

    public string ExportFolder => Path.Combine(Folder.Path, "exports");

    public string DataFolder => Path.Combine(Folder.Path, "data");

    public SqliteOutbox Outbox => _host.Services.GetRequiredService<SqliteOutbox>();

    public static Task<RunningAgent> StartAsync(RunningHub hub, string storeId, string credential) =>
        StartAsync(hub?.GrpcUrl ?? throw new ArgumentNullException(nameof(hub)), hub.CertificatePath, storeId, credential);

    public static async Task<RunningAgent> StartAsync(Uri hubGrpcUrl, string hubCertificate, string storeId, string credential)
    {
        var folder = new TempFolder("agent");
        var host = AgentApplication.Build(
        [
            "--contentRoot=" + folder.Path,
            "--Agent:StoreId=" + storeId,
            "--Agent:Credential=" + credential,
            "--Agent:HubUrl=" + hubGrpcUrl,
            "--Agent:HubCertificate=" + hubCertificate,
            "--Agent:DataDirectory=" + Path.Combine(folder.Path, "data"),
            "--Agent:ExportFolder=" + Path.Combine(folder.Path, "exports"),
            "--Agent:PollInterval=00:00:00.200",
            "--Agent:FileSettleTime=00:00:00",
            "--Agent:RetryInitialDelay=00:00:00.100",
            "--Agent:RetryMaxDelay=00:00:01",
            "--Agent:MaxReceiptsPerBatch=50",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await host.StartAsync();
        return new RunningAgent(host, folder);
    }

    /// <summary>Puts an export into the folder the way a careful till does: written aside, then renamed.</summary>
    public string Drop(string name, string csv)
    {
        Directory.CreateDirectory(ExportFolder);
        var part = Path.Combine(ExportFolder, "." + name + ".part");
        File.WriteAllText(part, csv);
        var target = Path.Combine(ExportFolder, name);
        File.Move(part, target);
        return target;
    }

    /// <summary>True once the file has left the export folder and every batch has been acknowledged.</summary>
    public bool HasDelivered(string droppedFile) => !File.Exists(droppedFile) && Outbox.Status().Items == 0;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Folder.Dispose();
    }
}
