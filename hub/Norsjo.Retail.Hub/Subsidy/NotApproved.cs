using System.Globalization;
using Norsjo.Retail.Hub.Ingest;

namespace Norsjo.Retail.Hub.Subsidy;

/// <summary>A home delivery that earned no subsidy, and why: judged and not approved, or refused by the hub before it could be judged.</summary>
public sealed record NotApprovedDelivery(string Date, string Week, string? Locality, decimal? DistanceKm, string Reason, bool RefusedAtIngest);

/// <summary>A store's deliveries without subsidy over a range of months, with the count per reason.</summary>
public sealed record NotApprovedReport(string StoreId, string From, string To, int Deliveries, IReadOnlyDictionary<string, int> ByReason, IReadOnlyList<NotApprovedDelivery> Items);

/// <summary>
/// Which of a store's home deliveries were not approved for the subsidy, and why: the statements'
/// rejected lines (too near, a second delivery the same week, …) and the deliveries the hub refused
/// at ingest, which no statement ever saw (a negative order value, say). Seen by whoever may see the
/// store's statements (ApiRequest.SubsidyStore); the refused ones carry only the field, in Swedish,
/// not the validator's figures.
/// </summary>
public sealed class NotApprovedDeliveries(SubsidyLedger ledger, IngestRefusals refusals)
{
    public const string RefusedReason = "Hubben tog inte emot leveransen";

    public async Task<NotApprovedReport> ForStoreAsync(string storeId, DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken = default)
    {
        var items = (await ledger.RejectedAsync(storeId, fromMonth, toMonth, cancellationToken).ConfigureAwait(false))
            .Select(l => new NotApprovedDelivery(l.Date, l.Week, l.Locality, l.DistanceKm, l.Reason, false)).ToList();

        var refused = await refusals.DeliveriesAsync(storeId, fromMonth, toMonth.AddMonths(1).AddDays(-1), cancellationToken).ConfigureAwait(false);
        items.AddRange(refused.Select(r => new NotApprovedDelivery(
            r.ItemDate ?? string.Empty,
            r.ItemDate is { } d ? SubsidyJudge.Week(DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)) : string.Empty,
            null, null, $"{RefusedReason} ({r.FieldName} godtogs inte)", true)));
        items.Sort((a, b) => string.CompareOrdinal(a.Date, b.Date));
        return new NotApprovedReport(storeId, fromMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture), toMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            items.Count, items.GroupBy(i => ReasonKind(i)).ToDictionary(g => g.Key, g => g.Count()), items);
    }

    private static string ReasonKind(NotApprovedDelivery item) => item.RefusedAtIngest ? "avvisad av hubben" : SubsidyLedger.ReasonKind(item.Reason);
}
