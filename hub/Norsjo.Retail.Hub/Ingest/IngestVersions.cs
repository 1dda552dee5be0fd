namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// The version written with every row (Unix milliseconds), strictly increasing within a hub: a
/// receipt sent again is told apart from its earlier copy by version alone (its lines and payments
/// count only with the receipt's newest version, Aggregates.CurrentLines), so two batches in the
/// same millisecond must not share one.
/// </summary>
public sealed class IngestVersions(TimeProvider time)
{
    private long _last;

    public long Next()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }
}
