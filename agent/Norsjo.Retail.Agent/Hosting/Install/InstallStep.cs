using System.Diagnostics;

namespace Norsjo.Retail.Agent.Hosting.Install;

/// <summary>One thing `install` or `uninstall` does: said in words for --dry-run, done otherwise.</summary>
public abstract record InstallStep
{
    /// <summary>What the step does, in one line (the dry run prints these, the real run too as it goes).</summary>
    public abstract string Describe();

    public abstract Task RunAsync(TextWriter output);
}

/// <summary>
/// A program run with its arguments (useradd, chown, systemctl, sc.exe …); a non-zero exit stops the installation.
/// <paramref name="ForWindows"/>: described as cmd.exe reads it (double quotes), so a shop's helper can type what the
/// dry run prints; a Unix shell's single quotes mean nothing to cmd.exe.
/// </summary>
public sealed record RunCommand(string Program, IReadOnlyList<string> Arguments, bool MayFail = false, bool ForWindows = false) : InstallStep
{
    public override string Describe() => string.Join(' ', new[] { Program }.Concat(Arguments).Select(ForWindows ? QuoteForWindows : (Func<string, string>)Quote));

    public override async Task RunAsync(TextWriter output)
    {
        var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InstallException($"could not start {Program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var said = ((await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false))).Trim();
        if (process.ExitCode != 0 && !MayFail)
        {
            throw new InstallException($"`{Describe()}` failed (exit code {process.ExitCode}): {said}");
        }
    }

    internal static string Quote(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c)) ? text : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>One argument as Windows programs split a command line (the C runtime's rules, which .NET also writes by).</summary>
    internal static string QuoteForWindows(string text)
    {
        if (text.Length > 0 && !text.Any(c => c is ' ' or '\t' or '"'))
        {
            return text;
        }

        var quoted = new System.Text.StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in text)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            // Backslashes before a quote are doubled, and the quote escaped; elsewhere they stand as they are.
            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes).Append(c);
            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}

/// <summary>A folder made (if missing) with its permissions; on Windows the permissions are left to icacls.</summary>
public sealed record MakeFolder(string Path, UnixFileMode Mode) : InstallStep
{
    public override string Describe() => $"make folder {Path} (mode {Octal(Mode)})";

    public override Task RunAsync(TextWriter output)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path);
        }
        else
        {
            Directory.CreateDirectory(Path, Mode);
            File.SetUnixFileMode(Path, Mode); // also when it was there already (a reinstall)
        }

        return Task.CompletedTask;
    }

    internal static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}

/// <summary>A file copied into place with its permissions (the agent's program files, the hub's certificate).</summary>
public sealed record CopyFile(string From, string To, UnixFileMode Mode) : InstallStep
{
    public override string Describe() => $"copy {From} to {To} (mode {MakeFolder.Octal(Mode)})";

    public override Task RunAsync(TextWriter output)
    {
        if (System.IO.Path.GetFullPath(From) != System.IO.Path.GetFullPath(To))
        {
            // Aside, then renamed: a running copy of the old program keeps its file (reinstall over a running agent).
            var aside = To + ".new";
            File.Copy(From, aside, overwrite: true);
            File.Move(aside, To, overwrite: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(To, Mode);
        }

        return Task.CompletedTask;
    }
}

/// <summary>A generated file (the systemd unit) written whole.</summary>
public sealed record WriteFile(string Path, string Content, UnixFileMode Mode) : InstallStep
{
    public override string Describe() => $"write {Path} (mode {MakeFolder.Octal(Mode)}):{Environment.NewLine}{Content.TrimEnd()}";

    public override async Task RunAsync(TextWriter output)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        await File.WriteAllTextAsync(Path + ".new", Content).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path + ".new", Mode);
        }

        File.Move(Path + ".new", Path, overwrite: true);
    }
}

/// <summary>A file or folder removed, if there.</summary>
public sealed record Remove(string Path) : InstallStep
{
    public override string Describe() => $"remove {Path}";

    public override Task RunAsync(TextWriter output)
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
        else if (File.Exists(Path))
        {
            File.Delete(Path);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Something the person installing should know (a step done by hand, or one skipped and why).</summary>
public sealed record Note(string Text) : InstallStep
{
    public override string Describe() => "note: " + Text;

    public override Task RunAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Text);
        return Task.CompletedTask;
    }
}

/// <summary>A step that calls back into the agent (enrollment with the hub), done in this process.</summary>
public sealed record AgentStep(string Description, Func<TextWriter, Task> Action) : InstallStep
{
    public override string Describe() => Description;

    public override Task RunAsync(TextWriter output) => Action(output);
}

/// <summary>Installation stopped: the message says why and what to do.</summary>
public sealed class InstallException(string message) : Exception(message);
