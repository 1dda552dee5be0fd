namespace Norsjo.Retail.Hub.Analytics;

public sealed record TrendPoint(string Period, decimal GrossKr, long Receipts, decimal LastYearGrossKr, long LastYearReceipts);

public sealed record HourCell(int Weekday, int Hour, long Receipts, decimal GrossKr);

public sealed record BasketBucket(int FromKr, int? ToKr, long Receipts);

public sealed record Baskets(long Receipts, decimal AverageKr, IReadOnlyList<BasketBucket> Distribution);

public sealed record PaymentShare(string Method, decimal AmountKr, decimal Share);

public sealed record PaymentMix(IReadOnlyList<PaymentShare> Methods, decimal CashShare);

public sealed record CategoryFigure(string Category, decimal GrossKr, decimal VatKr, decimal Quantity, decimal ReturnedKr);

public sealed record ReturnsMonth(string Month, decimal ReturnedKr, decimal GrossKr, decimal ReturnShare);

public sealed record DeliveryFigure(string Locality, long Deliveries, long Households, decimal OrderValueKr, decimal AverageDistanceKm, int Stores, bool Suppressed);

public sealed record Freshness(string StoreId, string? LastSale, DateTimeOffset? LastUpload, double? MinutesSinceUpload);

