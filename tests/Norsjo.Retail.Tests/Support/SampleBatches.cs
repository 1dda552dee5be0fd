using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Tests.Support;

/// <summary>Small hand-made batches for calling the hub directly.</summary>
public static class SampleBatches
{
    /// <summary>A day's total of one category at one VAT rate (a Z-report or SIE day), its VAT worked out of the gross.</summary>
    public static DailyTotal DailyTotal(DateOnly date, DailySource source, long grossOre, string category, int vatBp) => new()
    {
        Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
        Source = source,
        Sales = { new DailySales { Category = category, VatRateBasisPoints = vatBp, GrossOre = grossOre, VatOre = grossOre * vatBp / (10_000 + vatBp) } },
    };

    public static UploadBatchRequest Batch(string storeId, string id, params Receipt[] receipts)
    {
        var batch = new UploadBatchRequest { BatchId = id, StoreId = storeId, AgentVersion = "test" };
        batch.Receipts.AddRange(receipts);
        return batch;
    }

    public static Receipt Sale(string key, long grossOre, DateOnly? date = null)
    {
        var day = date ?? new DateOnly(2026, 11, 20);
        return new Receipt
        {
            ReceiptKey = key,
            Date = new LocalDate { Year = day.Year, Month = day.Month, Day = day.Day },
            MinuteOfDay = 600,
            Channel = Channel.InStore,
            Lines = { new ReceiptLine { Category = "dagligvaror", VatRateBasisPoints = 600, GrossOre = grossOre, VatOre = grossOre * 6 / 106, QuantityMilli = 1000 } },
            Payments = { new Payment { Method = PaymentMethod.Card, AmountOre = grossOre } },
        };
    }
}
