using System.Globalization;
using System.Runtime.InteropServices;

namespace Norsjo.Retail.Agent.Hosting;

/// <summary>
/// The pages of the program's own files (its code and read-only data) that start-up and a busy spell
/// ran: the kernel keeps every page they touched resident, and more around each (fault-around), though an
/// idle agent runs a small part of them. Once quiet, the agent asks the kernel to reclaim them
/// (madvise MADV_PAGEOUT, Linux 5.4 or newer); what the idle loop runs comes back from the file at
/// its next use. Pages another process also maps (the C library, OpenSSL) are left alone by the
/// kernel, and writable mappings are not asked for: their changed pages could only go to swap
/// (agent/README.md, "Memory"). The mappings given back are then marked as read at random (MADV_RANDOM):
/// a page the agent runs again is read alone, not with the 128 KiB the kernel would read ahead around it
/// and map (fault-around), so a burst after a quiet spell brings back the code it runs, not its neighbours.
/// </summary>
internal static partial class ResidentPages
{
    private const int MadvRandom = 1;
    private const int MadvPageout = 21;

    /// <summary>Asks for the clean file pages to be reclaimed; the bytes of mappings asked for (0 where the system has no such call).</summary>
    public static long GiveBackFilePages()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long asked = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            if (ReadOnlyFileMapping(line) is not var (start, length))
            {
                continue;
            }

            // EINVAL from a kernel older than 5.4 (no MADV_PAGEOUT) or a mapping it cannot reclaim: left as it is.
            if (Madvise((nint)start, (nuint)length, MadvPageout) == 0)
            {
                asked += length;
                _ = Madvise((nint)start, (nuint)length, MadvRandom);
            }
        }

        return asked;
    }

    /// <summary>A line of /proc/self/maps for a regular file mapped without write permission: its start and length.</summary>
    internal static (ulong Start, long Length)? ReadOnlyFileMapping(string line)
    {
        // "start-end perms offset dev inode path", e.g. "55d2f5d1f000-55d2f60a3000 r-xp 00000000 fd:01 1234 /usr/bin/x"
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6 || fields[1].Length < 2 || fields[1][1] == 'w')
        {
            return null;
        }

        var path = fields[5].Trim();
        // Not [heap], [vdso] or the runtime's executable memory (/memfd:doublemapper), nor a file since deleted.
        if (!path.StartsWith('/') || path.StartsWith("/memfd:", StringComparison.Ordinal) || path.EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            return null;
        }

        var range = fields[0].Split('-');
        var start = ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var end = ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (start, (long)(end - start));
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
