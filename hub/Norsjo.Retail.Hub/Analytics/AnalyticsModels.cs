namespace Norsjo.Retail.Hub.Analytics;

/// <summary>
/// One day, week (Monday) or month of sales, with the same period last year.
/// <paramref name="Complete"/>: the whole period lies in the asked range and has ended (false: the running day, week or month, "hittills").
/// <paramref name="LastYearHasData"/>: last year's period lies within the store's history, so a comparison means something (false: no figure, not 0 kr).
/// </summary>
public sealed record TrendPoint(string Period, decimal GrossKr, long Receipts, decimal LastYearGrossKr, long LastYearReceipts, bool Complete = true, bool LastYearHasData = true);

public sealed record HourCell(int Weekday, int Hour, long Receipts, decimal GrossKr);

public sealed record BasketBucket(int FromKr, int? ToKr, long Receipts);

public sealed record Baskets(long Receipts, decimal AverageKr, IReadOnlyList<BasketBucket> Distribution);

public sealed record PaymentShare(string Method, decimal AmountKr, decimal Share);

public sealed record PaymentMix(IReadOnlyList<PaymentShare> Methods, decimal CashShare);

public sealed record CategoryFigure(string Category, decimal GrossKr, decimal VatKr, decimal Quantity, decimal ReturnedKr);

public sealed record ReturnsMonth(string Month, decimal ReturnedKr, decimal GrossKr, decimal ReturnShare);

public sealed record DeliveryFigure(string Locality, long Deliveries, long Households, decimal OrderValueKr, decimal AverageDistanceKm, int Stores, bool Suppressed);

public sealed record Freshness(string StoreId, string? LastSale, DateTimeOffset? LastUpload, double? MinutesSinceUpload)
{
    /// <summary>Nothing has arrived for longer than the silent-agent check allows (Jobs:SilentAfter), or never: the owner's page warns. Set by the API.</summary>
    public bool Late { get; init; }
}

