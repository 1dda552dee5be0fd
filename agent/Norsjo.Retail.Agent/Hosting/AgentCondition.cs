using System.Text;

namespace Norsjo.Retail.Agent.Hosting;

/// <summary>
/// What the running agent says of itself for `status` to show, in <c>agent-condition.txt</c> in the
/// data folder: a fixed-size file made at start and overwritten in place, so it can still be written
/// when the disk is full (no new block is needed).
/// </summary>
public static class AgentCondition
{
    public const string FileName = "agent-condition.txt";

    private const int Size = 512;

    private static readonly object Gate = new();

    /// <summary>Makes the file at start, while there is room.</summary>
    public static void Prepare(string dataDirectory) => Set(dataDirectory, "running");

    public static void Set(string dataDirectory, string condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var bytes = new byte[Size];
        bytes.AsSpan().Fill((byte)' ');
        var text = Encoding.UTF8.GetBytes(condition.Length > Size / 2 ? condition[..(Size / 2)] : condition);
        text.CopyTo(bytes, 0);
        bytes[^1] = (byte)'\n';
        lock (Gate)
        {
            try
            {
                using var stream = new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // Only for status to read; the log says the same.
            }
        }
    }

    public static string? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
