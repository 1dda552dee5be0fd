using System.Diagnostics;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A real, small filesystem (tmpfs of a few megabytes, mounted at a folder) that can be filled to
/// the last byte, for tests of a full disk. Needs root; without it the test fails and says why.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(string path, int megabytes)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes a file until the disk is full; returns it (delete it to give the space back).</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "fyllnad.bin");
        var block = new byte[16 * 1024];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // full
        }

        // Then the last few bytes, so not even a small write fits.
        try
        {
            while (true)
            {
                stream.Write(block, 0, 512);
            }
        }
        catch (IOException)
        {
            // full to the byte
        }

        return filler;
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {command}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error} — the full-disk test needs root to mount a tmpfs");
        }
    }
}
