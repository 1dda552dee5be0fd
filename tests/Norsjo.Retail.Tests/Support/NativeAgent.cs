using System.Diagnostics;

namespace Norsjo.Retail.Tests.Support;

/// <summary>Which build of the agent a test runs as its own process: the JIT build beside the tests, or the native file (Native AOT, issue 21).</summary>
public enum AgentBuild
{
    Jit,
    Native,
}

/// <summary>
/// The agent's native file, published once per test run: `./norsjo test` publishes it before the
/// tests (cached by a hash of the agent's sources) and names it in NORSJO_NATIVE_AGENT; a plain
/// `dotnet test` asks the same script (`./norsjo native-agent`) on first use.
/// </summary>
public static class NativeAgent
{
    public const string Variable = "NORSJO_NATIVE_AGENT";

    private static readonly Lazy<string> Published = new(Publish, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => Published.Value;

    /// <summary>Why the native tests cannot run here (no native toolchain and nothing published), or null.</summary>
    public static string? Missing()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given && File.Exists(given))
        {
            return null;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator);
        // The AOT compiler links with clang, else gcc.
        return path.Any(folder => File.Exists(System.IO.Path.Combine(folder, "clang")) || File.Exists(System.IO.Path.Combine(folder, "gcc")))
            ? null
            : "the Native AOT toolchain (clang or gcc) is missing: ./norsjo test installs it (Debian packages clang, zlib1g-dev)";
    }

    private static string Publish()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given && File.Exists(given))
        {
            return given;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Norsjo.Retail.sln")))
        {
            root = root.Parent;
        }

        var script = System.IO.Path.Combine(root?.FullName ?? throw new InvalidOperationException("the repository is not above the tests"), "norsjo");
        using var process = Process.Start(new ProcessStartInfo(script, ["native-agent"]) { RedirectStandardOutput = true, WorkingDirectory = root.FullName })!;
        var said = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var file = said.Trim().Split('\n')[^1].Trim();
        return process.ExitCode == 0 && File.Exists(file)
            ? file
            : throw new InvalidOperationException($"./norsjo native-agent failed (exit code {process.ExitCode}): {said}");
    }
}

/// <summary>A test of the native agent: skipped, with the reason, only where it cannot be built.</summary>
public sealed class NativeAgentFactAttribute : FactAttribute
{
    public NativeAgentFactAttribute()
    {
        if (NativeAgent.Missing() is { } reason)
        {
            Skip = reason;
        }
    }
}
