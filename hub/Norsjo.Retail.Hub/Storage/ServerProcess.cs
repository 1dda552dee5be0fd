namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// Whether a process is the ClickHouse server of a given data folder, asked of /proc: its command
/// line names that folder's configuration file and it runs in that folder. A process name proves
/// nothing (any program can be called clickhouse-server, and another hub's server is one too).
/// Without /proc, or without the right to read it, the answer is no: better a start that fails on
/// the folder's lock, with ClickHouse's own message, than stopping someone else's process.
/// </summary>
internal static class ServerProcess
{
    public static string ConfigArgument(string configFile) => "--config-file=" + configFile;

    public static bool IsServerOf(int pid, string dataDirectory, string configFile)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            if (!arguments.Contains(ConfigArgument(configFile), StringComparer.Ordinal))
            {
                return false;
            }

            var workingDirectory = Directory.ResolveLinkTarget($"/proc/{pid}/cwd", returnFinalTarget: true)?.FullName;
            return workingDirectory is not null
                && string.Equals(Path.TrimEndingDirectorySeparator(workingDirectory), Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory)), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
