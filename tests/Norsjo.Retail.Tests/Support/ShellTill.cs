using System.Diagnostics;
using System.Text;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A till that writes its exports from a process of its own (bash), the way real tills do: through a
/// file descriptor it holds open without any lock, by appending and closing, by renaming, truncating
/// or rewriting. Each call runs one shell command and returns once it is done, so the test decides
/// exactly what the agent could have seen when.
/// </summary>
public sealed class ShellTill : IDisposable
{
    private const string Done = "__till_done__";
    private readonly Process _shell;
    private readonly TempFolder _scratch = new("till");
    private int _pieces;

    public ShellTill()
    {
        var start = new ProcessStartInfo("bash", "--noprofile --norc")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _shell = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
    }

    /// <summary>Runs one command line in the till's shell (its open descriptors stay open between calls).</summary>
    public void Run(string command)
    {
        _shell.StandardInput.WriteLine($"{command}; echo {Done} $?");
        _shell.StandardInput.Flush();
        while (_shell.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(Done, StringComparison.Ordinal))
            {
                var status = line[(Done.Length + 1)..];
                Assert.True(status == "0", $"the till's command failed ({status}): {command}");
                return;
            }
        }

        throw new InvalidOperationException("the till's shell ended");
    }

    /// <summary>Writes text with a shell redirection: "&gt;&amp;3" through the held descriptor, "&gt;&gt; 'file'" appending, "&gt; 'file'" rewriting.</summary>
    public void Write(string text, string redirection)
    {
        var piece = Path.Combine(_scratch.Path, $"piece-{_pieces++}");
        File.WriteAllText(piece, text, new UTF8Encoding(false));
        Run($"cat {Quote(piece)} {redirection}");
    }

    public static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        if (!_shell.HasExited)
        {
            _shell.Kill(entireProcessTree: true);
            _shell.WaitForExit();
        }

        _shell.Dispose();
        _scratch.Dispose();
    }
}
