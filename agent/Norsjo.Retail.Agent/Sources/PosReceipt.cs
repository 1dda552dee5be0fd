namespace Norsjo.Retail.Agent.Sources;

/// <summary>
/// A receipt as a source read it, before anonymisation. It holds the register's own receipt number
/// and exact time, so it never leaves the agent's memory: only the anonymised form is stored or sent.
/// Sources do not even read cashiers, customers or card numbers into it.
/// </summary>
public sealed record PosReceipt(
    string ReceiptNumber,
    DateTime LocalTime,
    SaleChannel Channel,
    IReadOnlyList<PosLine> Lines,
    IReadOnlyList<PosPayment> Payments);

/// <summary>One sold or returned item. Amount in öre including VAT; negative when returned.</summary>
public sealed record PosLine(string Category, int VatRatePercent, long GrossOre, long QuantityMilli, bool Returned);

/// <summary>Money taken (positive) or paid back (negative), in öre.</summary>
public sealed record PosPayment(PayMethod Method, long AmountOre);

public enum SaleChannel
{
    InStore,
    HomeDelivery,
    ClickAndCollect,
}

public enum PayMethod
{
    Cash,
    Card,
    Swish,
    Invoice,
    Other,
}
