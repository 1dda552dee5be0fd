namespace Norsjo.Retail.Agent.Sources;

/// <summary>
/// A receipt as a source read it, before anonymisation. It holds the register's own receipt number
/// and exact time, and perhaps a delivery address, so it never leaves the agent's memory: only the
/// anonymised form is stored or sent. Sources do not even read cashiers, customers or card numbers into it.
/// </summary>
public sealed record PosReceipt(
    string ReceiptNumber,
    DateTime LocalTime,
    SaleChannel Channel,
    IReadOnlyList<PosLine> Lines,
    IReadOnlyList<PosPayment> Payments,
    PosDelivery? Delivery = null)
{
    public long GoodsOre => Lines.Sum(l => l.GrossOre);

    /// <summary>Service transactions on the receipt (issue 19): counted per day and kind, never sent as such.</summary>
    public IReadOnlyList<ServiceTransaction> Services { get; init; } = [];
}

/// <summary>One sold or returned item. Amount in öre including VAT; negative when returned.</summary>
public sealed record PosLine(string Category, int VatRatePercent, long GrossOre, long QuantityMilli, bool Returned);

/// <summary>Money taken (positive) or paid back (negative), in öre.</summary>
public sealed record PosPayment(PayMethod Method, long AmountOre);

/// <summary>
/// A home delivery of the receipt's goods. <see cref="Household"/> is whatever the till knows of the
/// household (customer number, name, address): it becomes a keyed hash and is never stored as such.
/// </summary>
public sealed record PosDelivery(string Household, string Locality, int DistanceM)
{
    /// <summary>The till's register marks the household as entitled to the subsidy (e.g. elderly or disabled).</summary>
    public bool Registered { get; init; }
}

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
