namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// The largest value the hub accepts for every amount, count and text of the ingest contract
/// (proto/norsjo/retail/v1/sales.proto, ingest.proto). Each is far above what a village shop sends
/// and far enough below Int64 that no sum the hub or ClickHouse makes of accepted values can wrap:
/// a day of a store would need about 90,000 million receipts of the largest amount to reach
/// Int64.MaxValue. The README's "What the ingest service refuses" lists them; BatchValidator applies them.
/// </summary>
public static class IngestLimits
{
    /// <summary>One line, one payment, one receipt's total, one delivery's order value: 1,000,000 kr in öre.</summary>
    public const long MaxReceiptOre = 100_000_000;

    /// <summary>One line's quantity: a million units (thousandths, so weighed goods fit).</summary>
    public const long MaxQuantityMilli = 1_000_000_000;

    /// <summary>One row of a day's totals (sales per VAT rate or category, a payment method, returns): 100,000,000 kr in öre.</summary>
    public const long MaxDayOre = 10_000_000_000;

    /// <summary>Receipts or returns one day's totals may count.</summary>
    public const int MaxCountPerDay = 1_000_000;

    /// <summary>A home delivery's road distance: 1,000 km.</summary>
    public const int MaxDistanceM = 1_000_000;

    /// <summary>
    /// VAT may exceed what its rate gives of the gross by this much (rounding per item, summed per
    /// category). Above it the VAT cannot be true: 25 % VAT is 20 % of the gross including it.
    /// </summary>
    public const long VatRoundingOre = 100;

    public const int MaxReceiptsPerBatch = 10_000;

    public const int MaxDailyTotalsPerBatch = 1_000;

    public const int MaxHomeDeliveriesPerBatch = 10_000;

    /// <summary>Day counts of service transactions (issue 19): a year of every kind is about 1,800.</summary>
    public const int MaxServiceVolumesPerBatch = 10_000;

    /// <summary>One day's cash withdrawals at one till: 10,000,000 kr in öre.</summary>
    public const long MaxServiceDayOre = 1_000_000_000;

    public const int MaxLinesPerReceipt = 1_000;

    public const int MaxPaymentsPerReceipt = 50;

    public const int MaxSalesPerDailyTotal = 1_000;

    public const int MaxPaymentsPerDailyTotal = 50;

    /// <summary>Texts, in characters. Keys are the agent's keyed hashes; no text may hold control characters.</summary>
    public const int MaxBatchIdLength = 64;

    public const int MaxKeyLength = 128;

    public const int MaxCategoryLength = 64;

    public const int MaxLocalityLength = 100;

    public const int MaxAgentVersionLength = 64;
}
