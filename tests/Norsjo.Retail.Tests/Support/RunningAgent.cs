using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Tests.Support;

/// <summary>The real agent, in-process, with its own data and export folders; everything it logs is kept for inspection.</summary>
public sealed class RunningAgent : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly bool _ownsFolder;

    private RunningAgent(IHost host, TempFolder folder, bool ownsFolder, ConcurrentQueue<string> log)
    {
        _host = host;
        Folder = folder;
        _ownsFolder = ownsFolder;
        Log = log;
    }

    public TempFolder Folder { get; }

    public ConcurrentQueue<string> Log { get; }

    public string ExportFolder => Path.Combine(Folder.Path, "exports");

    public string SieFolder => Path.Combine(Folder.Path, "sie");

    public string DataFolder => Path.Combine(Folder.Path, "data");

    public SqliteOutbox Outbox => _host.Services.GetRequiredService<SqliteOutbox>();

    public IServiceProvider Services => _host.Services;

    public static Task<RunningAgent> StartAsync(RunningHub hub, string storeId, string credential, params string[] extraArgs) =>
        StartAsync(hub?.GrpcUrl ?? throw new ArgumentNullException(nameof(hub)), hub.CertificatePath, storeId, credential, null, extraArgs);

    /// <param name="folder">An agent folder to reuse (a restart); null for a new one.</param>
    public static Task<RunningAgent> StartAsync(
        Uri hubGrpcUrl, string hubCertificate, string storeId, string credential, TempFolder? folder = null, params string[] extraArgs) =>
        StartWithAsync(null, hubGrpcUrl, hubCertificate, storeId, credential, folder, extraArgs);

    /// <param name="services">Replacements for the agent's own (e.g. the health and connection log's clock).</param>
    public static async Task<RunningAgent> StartWithAsync(
        Action<IServiceCollection>? services, Uri hubGrpcUrl, string hubCertificate, string storeId, string credential, TempFolder? folder = null, params string[] extraArgs)
    {
        var ownsFolder = folder is null;
        folder ??= new TempFolder("agent");
        var log = new ConcurrentQueue<string>();
        var host = AgentApplication.Build(
        [
            "--contentRoot=" + folder.Path,
            .. AgentArgs(folder.Path, hubGrpcUrl, hubCertificate, storeId, credential),
            .. extraArgs,
        ], logging => logging.AddProvider(new QueueLoggerProvider(log)), services);
        await host.StartAsync();
        return new RunningAgent(host, folder, ownsFolder, log);
    }

    /// <summary>The settings every test agent runs with: quick to notice files, quick to retry, small batches.</summary>
    public static string[] AgentArgs(string folder, Uri hubGrpcUrl, string hubCertificate, string storeId, string credential) =>
    [
        "--Agent:StoreId=" + storeId,
        "--Agent:Credential=" + credential,
        "--Agent:HubUrl=" + hubGrpcUrl,
        "--Agent:HubCertificate=" + hubCertificate,
        "--Agent:DataDirectory=" + Path.Combine(folder, "data"),
        "--Agent:ExportFolder=" + Path.Combine(folder, "exports"),
        "--Agent:SieFolder=" + Path.Combine(folder, "sie"),
        "--Agent:PollInterval=00:00:00.200",
        "--Agent:FileSettleTime=00:00:00",
        "--Agent:RetryInitialDelay=00:00:00.100",
        "--Agent:RetryMaxDelay=00:00:01",
        "--Agent:MaxReceiptsPerBatch=50",
        "--Logging:LogLevel:Default=Information",
    ];

    /// <summary>Puts a file into a folder the way a careful till does: written aside, then renamed.</summary>
    public static string Drop(string folder, string name, byte[] content)
    {
        Directory.CreateDirectory(folder);
        var part = Path.Combine(folder, "." + name + ".part");
        File.WriteAllBytes(part, content);
        var target = Path.Combine(folder, name);
        File.Move(part, target);
        return target;
    }

    public string Drop(string name, string csv) => Drop(ExportFolder, name, System.Text.Encoding.UTF8.GetBytes(csv));

    /// <summary>True once the file has left its folder and every item has been acknowledged.</summary>
    public bool HasDelivered(string droppedFile) => !File.Exists(droppedFile) && Outbox.Status().Items == 0;

    /// <summary>Stops the agent but keeps its folder, for a restart.</summary>
    public async Task StopAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        catch (ObjectDisposedException)
        {
            // stopped before
        }

        _host.Dispose();
        if (_ownsFolder)
        {
            Folder.Dispose();
        }
    }
}
