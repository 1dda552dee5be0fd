using System.Diagnostics;
using System.Globalization;

namespace Norsjo.Retail.Benchmarks;

/// <summary>
/// A build of the agent the benchmark runs: the JIT build beside the benchmarks (run by dotnet),
/// and the native file (Native AOT) that `./norsjo bench agent` publishes and names in NORSJO_NATIVE_AGENT.
/// </summary>
public sealed record AgentBuild(string Name, string Program)
{
    public const string NativeVariable = "NORSJO_NATIVE_AGENT";

    /// <summary>Another native file (e.g. the one published from the commit before a change), measured beside the first in the same run.</summary>
    public const string BaselineVariable = "NORSJO_NATIVE_AGENT_BASELINE";

    public static IReadOnlyList<AgentBuild> Available()
    {
        var builds = new List<AgentBuild> { new("jit", Path.Combine(AppContext.BaseDirectory, "Norsjo.Retail.Agent.dll")) };
        if (Environment.GetEnvironmentVariable(NativeVariable) is { Length: > 0 } native && File.Exists(native))
        {
            builds.Add(new AgentBuild("native", native));
        }
        else
        {
            Console.WriteLine($"The native build is not measured: {NativeVariable} names no file (./norsjo bench agent publishes it).");
        }

        if (Environment.GetEnvironmentVariable(BaselineVariable) is { Length: > 0 } baseline && File.Exists(baseline))
        {
            builds.Add(new AgentBuild("before", baseline));
        }

        return builds;
    }

    /// <summary>The JIT build (run by dotnet), not a native file.</summary>
    public bool IsJit => Program.EndsWith(".dll", StringComparison.Ordinal);

    public string Describe() =>
        Program.EndsWith(".dll", StringComparison.Ordinal)
            ? "dotnet " + Path.GetFileName(Program)
            : string.Create(CultureInfo.InvariantCulture, $"{Program}, {new FileInfo(Program).Length / (1024.0 * 1024):N1} MB")
              + string.Concat(Directory.EnumerateFiles(Path.GetDirectoryName(Program)!, "*.so")
                  .Select(f => string.Create(CultureInfo.InvariantCulture, $" + {Path.GetFileName(f)} {new FileInfo(f).Length / (1024.0 * 1024):N1} MB")));

    public ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo(Program.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet" : Program) { UseShellExecute = false };
        if (Program.EndsWith(".dll", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(Program);
        }

        return start;
    }
}
