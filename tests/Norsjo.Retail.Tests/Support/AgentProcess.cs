using System.Collections.Concurrent;
using System.Diagnostics;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// The agent as its own process (the build beside the tests), so a test can kill it with SIGKILL
/// the way a power cut or the OOM killer would.
/// </summary>
public sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private AgentProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
    }

    public int Id => _process.Id;

    /// <summary>Everything the agent wrote to standard output and error, line by line.</summary>
    public IReadOnlyCollection<string> Output => _output;

    public bool HasExited => _process.HasExited;

    /// <summary>True once some line of the agent's output contains the text.</summary>
    public bool HasSaid(string text) => _output.Any(line => line.Contains(text, StringComparison.Ordinal));

    public static AgentProcess Start(params string[] args) => Start(AgentBuild.Jit, new Dictionary<string, string>(), args);

    public static AgentProcess Start(AgentBuild build, params string[] args) => Start(build, new Dictionary<string, string>(), args);

    public static AgentProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Start(AgentBuild.Jit, environment, args);

    /// <param name="build">The JIT build beside the tests (run by dotnet) or the native file (NativeAgent).</param>
    /// <param name="environment">Extra environment, e.g. DOTNET_GCHeapHardLimit to run the agent under a memory limit.</param>
    public static AgentProcess Start(AgentBuild build, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(build == AgentBuild.Native ? NativeAgent.Path : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (build == AgentBuild.Jit)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Norsjo.Retail.Agent.dll"));
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the agent");
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AgentProcess(process, output);
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flushing, no goodbye.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }
}
