using Grpc.Core;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Heartbeat;

/// <summary>
/// The agent's health as the hub receives it (proto AgentHealth): the outbox's depth and its oldest
/// item's age, the last acknowledged upload, what the hub refused and what was found damaged, the
/// sources' "fel" folders, and the calls to the hub that failed since one last succeeded. Counting
/// the "fel" folders reads files, so it is done at most once a minute.
/// </summary>
public sealed class AgentHealthMeter(SqliteOutbox outbox, IOptions<AgentOptions> options, HealthClock clock)
{
    private static readonly TimeSpan FolderCountEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    // Per kind of call: a heartbeat that gets through says nothing of the batches, which may fail on every try.
    private readonly int[] _failedAttempts = new int[Enum.GetValues<HubCall>().Length];
    private long _lastFailureMs;
    private string _lastFailure = string.Empty;
    private AgentHealth? _recent;
    private (long AtMs, int Files, int Lines) _folders = (long.MinValue, 0, 0);

    /// <summary>A call to the hub came back with its answer (an acknowledgement, a refusal: the hub decided).</summary>
    public void Succeeded(HubCall call)
    {
        lock (_gate)
        {
            _failedAttempts[(int)call] = 0;
        }
    }

    /// <summary>A call to the hub failed (no answer, or "not now"): counted until a call of the same kind succeeds.</summary>
    public void Failed(HubCall call, StatusCode status)
    {
        lock (_gate)
        {
            _failedAttempts[(int)call]++;
            _lastFailureMs = clock.Time.GetUtcNow().ToUnixTimeMilliseconds();
            _lastFailure = status.ToString();
        }
    }

    /// <summary>
    /// For each batch: the last measure if it is younger than <paramref name="maxAge"/> (counting the
    /// outbox every batch would slow a long drain), with the call counters as they are now.
    /// </summary>
    public AgentHealth MeasureRecent(TimeSpan maxAge)
    {
        var now = clock.Time.GetUtcNow().ToUnixTimeMilliseconds();
        AgentHealth? recent;
        lock (_gate)
        {
            recent = _recent is { } r && now >= r.MeasuredUnixMs && now - r.MeasuredUnixMs < maxAge.TotalMilliseconds ? r.Clone() : null;
            if (recent is not null)
            {
                recent.FailedAttempts = _failedAttempts.Sum();
                recent.LastFailureUnixMs = _lastFailureMs;
                recent.LastFailure = _lastFailure;
                return recent;
            }
        }

        return Measure();
    }

    public AgentHealth Measure()
    {
        var now = clock.Time.GetUtcNow();
        var status = outbox.Status();
        var oldest = outbox.OldestWaiting();
        var (files, lines) = ErrorFolders(now.ToUnixTimeMilliseconds());
        lock (_gate)
        {
            _recent = new AgentHealth
            {
                MeasuredUnixMs = now.ToUnixTimeMilliseconds(),
                QueueItems = status.Items,
                QueueCapacity = status.Capacity,
                OldestItemAgeSeconds = oldest is { } at ? Math.Max(0, (long)(now - at).TotalSeconds) : 0,
                LastUploadUnixMs = status.LastSuccess?.ToUnixTimeMilliseconds() ?? 0,
                Refused = status.Rejected,
                DamagedItems = status.DamagedItems,
                ErrorFiles = files,
                ErrorLines = lines,
                FailedAttempts = _failedAttempts.Sum(),
                LastFailureUnixMs = _lastFailureMs,
                LastFailure = _lastFailure,
            };
            return _recent.Clone();
        }
    }

    private (int Files, int Lines) ErrorFolders(long nowMs)
    {
        lock (_gate)
        {
            if (nowMs - _folders.AtMs < FolderCountEvery.TotalMilliseconds && nowMs >= _folders.AtMs)
            {
                return (_folders.Files, _folders.Lines);
            }
        }

        var settings = options.Value;
        int files = 0, lines = 0;
        foreach (var folder in new[] { settings.ExportFolder, settings.SieFolder }.Where(f => !string.IsNullOrWhiteSpace(f)))
        {
            var errors = Path.Combine(folder!, WatchedFolder.ErrorFolder);
            if (!Directory.Exists(errors))
            {
                continue;
            }

            try
            {
                // A report (".fel.txt") per file that could not be read, or was read only in part.
                files += Directory.EnumerateFiles(errors, "*.fel.txt").Count();
                foreach (var bad in Directory.EnumerateFiles(errors, "*.felrader*"))
                {
                    var count = File.ReadLines(bad).Count(l => l.Length > 0);
                    // A CSV file's bad lines are kept under its header line.
                    lines += bad.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? Math.Max(0, count - 1) : count;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Counted again next time.
            }
        }

        lock (_gate)
        {
            _folders = (nowMs, files, lines);
        }

        return (files, lines);
    }
}

/// <summary>The kinds of call the agent makes to the hub, each with its own count of failures.</summary>
public enum HubCall
{
    /// <summary>A batch of sales (the uploader).</summary>
    Upload,

    /// <summary>The heartbeat: the health check and the health report.</summary>
    Heartbeat,
}
