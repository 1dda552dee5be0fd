using Microsoft.Data.Sqlite;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>The disk that holds the outbox is full: nothing new can be stored until space returns.</summary>
public sealed class DiskFullException(string message, Exception inner) : Exception(message, inner);

/// <summary>Recognises a full disk in whatever form it arrives: SQLite's SQLITE_FULL (Error 13) or the system's ENOSPC.</summary>
public static class DiskFull
{
    private const int SqliteFull = 13;
    private const int LinuxNoSpace = 28;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        DiskFullException => true,
        SqliteException { SqliteErrorCode: SqliteFull } => true,
        IOException { HResult: LinuxNoSpace or WindowsDiskFull or WindowsHandleDiskFull } => true,
        _ => Is(exception.InnerException),
    };

    /// <summary>Free bytes on the disk that holds this folder; null when the system will not say.</summary>
    public static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
