using System.Globalization;
using System.IO.MemoryMappedFiles;
using Norsjo.Retail.Agent.Hosting;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>The clean pages of files an idle agent holds given back to the kernel (Hosting/ResidentPages.cs).</summary>
public sealed class ResidentPagesTests
{
    private const int Size = 8 * 1024 * 1024;

    /// <summary>Wider than the kernel's fault-around (64 KiB) and its read-ahead of a mapped file (128 KiB).</summary>
    private const int Stride = 256 * 1024;

    [Theory]
    [InlineData("55d2f5d1f000-55d2f60a3000 r-xp 00001000 fd:01 1234 /opt/norsjo/Norsjo.Retail.Agent", 0x55d2f5d1f000UL, 0x384000L)]
    [InlineData("7f73d9800000-7f73d9801000 r--p 00000000 fd:01 99 /usr/lib/x86_64-linux-gnu/libssl.so.3", 0x7f73d9800000UL, 0x1000L)]
    [InlineData("7f73d9800000-7f73d9802000 r--s 00000000 fd:01 99 /var/lib/norsjo/a file with spaces", 0x7f73d9800000UL, 0x2000L)]
    public void A_read_only_file_mapping_is_asked_for(string line, ulong start, long length) =>
        Assert.Equal((start, length), ResidentPages.ReadOnlyFileMapping(line));

    [Theory]
    [InlineData("55d2f60a3000-55d2f60c0000 rw-p 00385000 fd:01 1234 /opt/norsjo/Norsjo.Retail.Agent")] // its data: changed pages could only be swapped
    [InlineData("55d2f7000000-55d2f7100000 rw-p 00000000 00:00 0                          [heap]")]
    [InlineData("7ffd1e5f0000-7ffd1e5f2000 r-xp 00000000 00:00 0                          [vdso]")]
    [InlineData("7f73d6c00000-7f73d6d3a000 r-xp 00000000 00:01 77 /memfd:doublemapper (deleted)")]
    [InlineData("7f73d6c00000-7f73d6d3a000 r--p 00000000 fd:01 78 /opt/norsjo/old.so (deleted)")]
    [InlineData("7f73d6c00000-7f73d6d3a000 r--p 00000000 00:00 0 ")]
    public void Anything_else_is_left_alone(string line) =>
        Assert.Null(ResidentPages.ReadOnlyFileMapping(line));

    [Fact]
    public void The_pages_of_a_read_only_file_mapping_leave_the_resident_set()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("norsjo-resident").FullName, "koden");
        try
        {
            using (var file = new FileStream(path, FileMode.CreateNew))
            {
                file.Write(Enumerable.Range(0, Size).Select(i => (byte)i).ToArray());
                file.Flush(flushToDisk: true); // clean pages: the kernel can drop them without writing
            }

            using var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = mapped.CreateViewAccessor(0, Size, MemoryMappedFileAccess.Read);
            var sum = 0L;
            for (var offset = 0; offset < Size; offset += 4096)
            {
                sum += view.ReadByte(offset + 1); // (byte)(offset + 1) is 1
            }

            Assert.True(sum > 0);
            var before = ResidentKiB(path);
            Assert.True(before >= Size / 1024 * 9 / 10, $"{before} kB of the 8 MB mapping resident after reading every page");

            var asked = ResidentPages.GiveBackFilePages();
            Assert.True(asked >= Size, $"{asked} bytes asked for; {string.Join(" | ", File.ReadLines("/proc/self/maps").Where(l => l.Contains(path, StringComparison.Ordinal)))}");

            var after = ResidentKiB(path);
            Assert.True(after <= Size / 1024 / 10, $"{after} kB of the 8 MB mapping still resident (was {before} kB)");

            // Run again after the quiet spell, a page here and there (as a burst runs code): each page comes back
            // alone, not with the pages the kernel would read ahead and map around it (the mapping is read at random).
            for (var offset = 0; offset < Size; offset += Stride)
            {
                sum += view.ReadByte(offset + 1);
            }

            var touched = ResidentKiB(path) - after;
            Assert.True(touched <= Size / Stride * 4 * 2, $"{touched} kB came back for {Size / Stride} pages touched, one every {Stride / 1024} KiB");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The resident kB of this process's mappings of one file, from /proc/self/smaps.</summary>
    private static long ResidentKiB(string path)
    {
        long total = 0;
        var inFile = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            // A mapping's header ("start-end perms offset dev inode path"), or one of its fields ("Rss:  12 kB").
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && !fields[0].EndsWith(':'))
            {
                inFile = fields.Length == 6 && fields[5].Trim() == path;
            }
            else if (inFile && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                total += long.Parse(line["Rss:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
