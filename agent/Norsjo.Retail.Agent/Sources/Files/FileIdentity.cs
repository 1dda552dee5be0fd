using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>
/// Which file a path names, whatever it is called now: its device and inode, as Filebeat and
/// Fluent Bit's tail identify files. A rename (rotation) keeps them; a new file under the old name
/// gets new ones. Zero where the system does not say (Windows): there the content's fingerprint and
/// the path identify a file.
/// </summary>
public readonly partial record struct FileIdentity(ulong Device, ulong Inode)
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint InodeWanted = 0x100; // STATX_INO

    public bool Known => Inode != 0;

    public static FileIdentity Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return default;
        }

        // statx's layout is the same on every Linux architecture, unlike stat's.
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(CurrentDirectory, path, 0, InodeWanted, buffer) != 0)
            {
                return default;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return default;
        }

        var inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]);
        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer[140..]);
        return new FileIdentity(device, inode);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);
}
