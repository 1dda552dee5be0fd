using System.Security.Cryptography;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>
/// Sending a taken file again when the outbox asks for it (<c>resend_sources</c>): an item of it was
/// damaged, or a rebuilt outbox lost some of it. The file is found in "behandlade" by its content
/// key; the hub counts each sale once, so sending all of it again makes the totals exact.
/// </summary>
public sealed partial class WatchedFolder
{
    private readonly Dictionary<string, (long Length, DateTime Modified, string Key)> _keys = [];

    /// <summary>Sends again each requested file this folder still holds; returns how many.</summary>
    /// <param name="within">How far back a piece's file is looked for by its name (a daily "kassa.csv" has a namesake every day).</param>
    public int SendAgainRequested(TimeSpan within)
    {
        var wanted = outbox.SourcesToSendAgain()
            .Where(k => k.StartsWith("file:", StringComparison.Ordinal) || k.StartsWith(SqliteOutbox.PieceSourcePrefix, StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var processed = Path.Combine(Folder, ProcessedFolder);
        if (wanted.Count == 0 || !Directory.Exists(processed))
        {
            return 0;
        }

        // A piece of a line file is known by the file's name only: every recent file of that name is read again.
        var since = time.GetUtcNow().UtcDateTime - within;
        var pieces = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(processed, "*", SearchOption.AllDirectories)
                     .Where(f => formats.Any(format => format.Accepts(Path.GetFileName(f))))
                     .Order(StringComparer.Ordinal))
        {
            var piece = SqliteOutbox.PieceSourcePrefix + Path.GetFileName(path);
            if (wanted.Contains(piece))
            {
                if (File.GetLastWriteTimeUtc(path) < since)
                {
                    continue;
                }

                if (TakeAgain(path) == Taken.Yes)
                {
                    pieces.Add(piece);
                    LogSentAgain(logger, Path.GetFileName(path));
                    count++;
                }

                continue;
            }

            var key = ContentKey(path);
            if (key is not null && wanted.Remove(key) && TryTake(path, reimport: true) == Taken.Yes)
            {
                outbox.SentAgain(key);
                LogSentAgain(logger, Path.GetFileName(path));
                count++;
            }
        }

        foreach (var piece in pieces)
        {
            outbox.SentAgain(piece);
        }

        return count;
    }

    /// <summary>The key the outbox knows a file by (its SHA-256), remembered while the file does not change.</summary>
    private string? ContentKey(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (_keys.TryGetValue(path, out var known) && known.Length == info.Length && known.Modified == info.LastWriteTimeUtc)
            {
                return known.Key;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var key = "file:" + Convert.ToHexStringLower(SHA256.HashData(stream));
            _keys[path] = (info.Length, info.LastWriteTimeUtc, key);
            return key;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} is sent again from behandlade/: the outbox had lost or set aside some of its items")]
    private static partial void LogSentAgain(ILogger logger, string file);
}
