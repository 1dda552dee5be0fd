using System.Globalization;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>
/// The outbox looking after itself: the ledger beside it, items to be sent again from their
/// sources, and a full disk.
/// </summary>
public sealed partial class SqliteOutbox
{
    /// <summary>Sources whose items must be sent again (a damaged item, or a rebuild that lost some), by source key.</summary>
    public IReadOnlyList<string> SourcesToSendAgain()
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT source_key FROM resend_sources ORDER BY requested_utc, source_key");
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>The source has been sent again (or no longer needs to be).</summary>
    public void SentAgain(string sourceKey) =>
        Guarded(() => Execute("DELETE FROM resend_sources WHERE source_key = $key", ("$key", sourceKey)));

    /// <summary>
    /// After a rebuild that could not tell what it lost (no ledger): has this source still to send
    /// its recent files again? Durable, so it happens whoever opened the outbox first and even if
    /// the agent stopped before the source came round to it.
    /// </summary>
    public bool ReimportPending(string sourceName)
    {
        using var connection = Open();
        using var command = Command(connection, """
            SELECT 1 FROM state p WHERE p.key = 'reimport_pending'
            AND NOT EXISTS (SELECT 1 FROM state d WHERE d.key = $done AND d.value = p.value)
            """, ("$done", "reimported:" + sourceName));
        return command.ExecuteScalar() is not null;
    }

    public void Reimported(string sourceName) => Guarded(() => Execute(
        "INSERT OR REPLACE INTO state (key, value) SELECT $done, value FROM state WHERE key = 'reimport_pending'",
        ("$done", "reimported:" + sourceName)));

    /// <summary>
    /// Waits until something can be stored again after a full disk: a small write succeeds and at
    /// least <paramref name="freeBytes"/> are free (so intake does not start and stop at every byte).
    /// </summary>
    public async Task WaitUntilWritableAsync(long freeBytes, TimeSpan probeInterval, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // Gives back the log's space, if the file can take its pages: the log never shrinks by itself.
                Execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            catch (SqliteException)
            {
                // still full
            }

            if ((DiskFull.FreeBytes(_dataDirectory) ?? long.MaxValue) >= freeBytes)
            {
                try
                {
                    Guarded(() => Execute("INSERT OR REPLACE INTO state (key, value) VALUES ('disk_probe_utc', $at)", ("$at", Now())));
                    return;
                }
                catch (DiskFullException)
                {
                    // not yet
                }
            }

            await Task.Delay(probeInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every write goes through here: one writer at a time in this process (so the ledger's lines
    /// and the outbox's commits keep step), and a full disk becomes <see cref="DiskFullException"/>.
    /// </summary>
    private T Guarded<T>(Func<T> write)
    {
        try
        {
            T result;
            lock (_writing)
            {
                result = write();
                if (_ledger.WantsRewrite)
                {
                    RewriteLedger();
                }
            }

            if (Interlocked.Exchange(ref _diskFullSinceTicks, 0) != 0)
            {
                LogDiskSpaceBack(_logger);
            }

            return result;
        }
        catch (Exception e) when (DiskFull.Is(e) && e is not DiskFullException)
        {
            if (Interlocked.CompareExchange(ref _diskFullSinceTicks, DateTimeOffset.UtcNow.UtcTicks, 0) == 0)
            {
                var folder = Path.GetFullPath(_dataDirectory);
                var free = DiskFull.FreeBytes(_dataDirectory) ?? -1;
                LogDiskFull(_logger, folder, free);
            }

            throw new DiskFullException($"The disk that holds the outbox ({Path.GetFullPath(_dataDirectory)}) is full.", e);
        }
    }

    private void Guarded(Action write) => Guarded(() =>
    {
        write();
        return true;
    });

    /// <summary>Writes the ledger's "out" line for the items a statement selects, before they are deleted.</summary>
    private void RecordLeaving(SqliteConnection connection, SqliteTransaction transaction, string selectSeqs, params (string Name, object Value)[] parameters)
    {
        var seqs = new List<long>();
        using (var select = Command(connection, selectSeqs, parameters))
        {
            select.Transaction = transaction;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                seqs.Add(reader.GetInt64(0));
            }
        }

        _ledger.RecordOut(seqs);
    }

    /// <summary>Rewrites the ledger from what the outbox holds now: at every sound start, and when it grew long or missed a line.</summary>
    private void RewriteLedger()
    {
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = Command(connection, "SELECT seq, source_key, kind, payload FROM items ORDER BY seq");
            command.Transaction = transaction;
            using var reader = command.ExecuteReader();
            _ledger.Rewrite(Entries(reader));
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            // Stays stale; tried again after the next write that succeeds.
        }
    }

    private static IEnumerable<LedgerEntry> Entries(SqliteDataReader reader)
    {
        LedgerEntry? open = null;
        while (reader.Read())
        {
            var seq = reader.GetInt64(0);
            var source = reader.IsDBNull(1) ? "unknown" : reader.GetString(1);
            if (open is not null && open.SourceKey == source && open.Last == seq - 1)
            {
                open = open with { Last = seq };
                continue;
            }

            if (open is not null)
            {
                yield return open;
            }

            DateOnly? day = null;
            long gross = 0;
            if (source.StartsWith(PosSourcePrefix, StringComparison.Ordinal) && reader.GetInt32(2) == (int)OutboxItemKind.Receipt)
            {
                try
                {
                    (day, gross) = PosSale(Receipt.Parser.ParseFrom((byte[])reader[3]));
                }
                catch (Google.Protobuf.InvalidProtocolBufferException)
                {
                    // a damaged item: set aside when it is sent, and reported then
                }
            }

            open = new LedgerEntry(seq, seq, source, day, gross);
        }

        if (open is not null)
        {
            yield return open;
        }
    }

    /// <summary>Damaged items were set aside: say so, and for POS sales (no file holds them) name them in the report to the shop.</summary>
    private void ReportDamaged(IReadOnlyList<(long Seq, string? Source)> damaged)
    {
        foreach (var (seq, source) in damaged)
        {
            if (source is null || !source.StartsWith(PosSourcePrefix, StringComparison.Ordinal))
            {
                LogDamagedItem(_logger, seq, source ?? "unknown");
            }
        }

        var pos = damaged.Where(d => d.Source?.StartsWith(PosSourcePrefix, StringComparison.Ordinal) == true).Select(d => d.Seq).ToHashSet();
        if (pos.Count == 0)
        {
            return;
        }

        var days = (OutboxLedger.Read(_dataDirectory)?.Entries ?? [])
            .Where(e => e.IsPosSale && pos.Contains(e.First))
            .GroupBy(e => e.PosDate!.Value)
            .Select(g => new LostPosDay(g.Key, g.Count(), g.Sum(e => e.PosGrossOre)))
            .ToList();
        var report = days.Count > 0
            ? LostSalesReport.Write(_dataDirectory, DateTimeOffset.UtcNow, "en försäljning i agentens kö var skadad och kunde inte skickas.", days)
            : "(no ledger line for it)";
        foreach (var day in days)
        {
            var date = day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var kronor = LostSalesReport.Kronor(day.GrossOre);
            LogLostPosSales(_logger, date, day.Sales, kronor, report);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox item {Seq} was damaged and is set aside (damaged_items); it is sent again from its source {Source} if the file is still in behandlade/")]
    private static partial void LogDamagedItem(ILogger logger, long seq, string source);

    [LoggerMessage(Level = LogLevel.Critical, Message = "POS plug-in sales lost to damage on {Date}: {Sales} sales, {Kronor} kr. No file holds them; the shop is told in {Report}")]
    internal static partial void LogLostPosSales(ILogger logger, string date, int sales, string kronor, string report);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The disk that holds the outbox ({Folder}) is full ({Free} bytes free): intake pauses, uploads go on where they can; the agent resumes by itself when space returns")]
    private static partial void LogDiskFull(ILogger logger, string folder, long free);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox can be written again: the disk has space")]
    private static partial void LogDiskSpaceBack(ILogger logger);
}
