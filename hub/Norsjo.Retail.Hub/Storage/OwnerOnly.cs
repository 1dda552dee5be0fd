using System.Text;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// Files and folders only the hub's own user may open: folders 0700, files 0600, set when created
/// (no moment in which another user could open them) and again on every start (tightening a
/// folder an older hub made with the default umask).
/// </summary>
public static class OwnerOnly
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
        File.SetUnixFileMode(path, FolderMode);
    }

    public static void WriteFile(string path, string text)
    {
        using (var file = new FileStream(path, Options(FileMode.Create)))
        {
            file.Write(Encoding.UTF8.GetBytes(text));
        }

        Tighten(path);
    }

    /// <summary>The secret kept in the file; made by <paramref name="create"/> and written (0600) if there is none yet.</summary>
    public static string ReadOrCreateSecret(string path, Func<string> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (!File.Exists(path))
        {
            try
            {
                using var file = new FileStream(path, Options(FileMode.CreateNew));
                file.Write(Encoding.UTF8.GetBytes(create()));
                file.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // another process made it at the same moment: use theirs
            }
        }

        Tighten(path);
        return File.ReadAllText(path).Trim();
    }

    private static FileStreamOptions Options(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode0600;
        }

        return options;
    }

    private static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode0600);
        }
    }
}
