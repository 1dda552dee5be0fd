namespace Norsjo.Retail.DemoTill;

/// <summary>A receipt as a till would hold it, personal details included.</summary>
public sealed record DemoReceipt(
    string ReceiptNumber,
    DateTime LocalTime,
    string Channel,
    string Cashier,
    string? LoyaltyId,
    IReadOnlyList<DemoItem> Items,
    IReadOnlyList<DemoPayment> Payments,
    DemoDelivery? Delivery = null,
    IReadOnlyList<DemoService>? Services = null)
{
    public long GrossOre => Items.Sum(i => i.Returned ? -i.AmountOre : i.AmountOre);
}

/// <summary>AmountOre is always positive here; Returned says which way the money went.</summary>
public sealed record DemoItem(string Category, int VatPercent, long AmountOre, decimal Quantity, bool Returned);

public sealed record DemoPayment(string Method, long AmountOre, string? MaskedCard);

/// <summary>A service transaction on the receipt (issue 19): its kind as the till writes it, and for kontantuttag the cash paid out.</summary>
public sealed record DemoService(string Kind, long AmountOre);

/// <summary>Where a home delivery went: the household as the till knows it (a customer number and an address).</summary>
public sealed record DemoDelivery(string Household, string Locality, decimal DistanceKm);
