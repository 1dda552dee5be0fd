using System.Security.Cryptography;
using System.Text;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Anonymisation;

/// <summary>
/// Turns what a till knows into what may leave the store (DESIGN.md, "What anonymised means"):
/// the receipt number becomes a keyed hash, the time is cut to the minute, lines are summed per
/// category, VAT rate and direction, and nothing else of the receipt is carried over.
/// </summary>
public sealed class ReceiptAnonymiser(byte[] storeSecret)
{
    public Receipt Anonymise(PosReceipt pos)
    {
        ArgumentNullException.ThrowIfNull(pos);
        var date = DateOnly.FromDateTime(pos.LocalTime);
        var receipt = new Receipt
        {
            // The date is part of the hashed text because many tills restart their numbering each year.
            ReceiptKey = KeyedHash("receipt", date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), pos.ReceiptNumber),
            Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
            MinuteOfDay = (pos.LocalTime.Hour * 60) + pos.LocalTime.Minute,
            Channel = pos.Channel switch
            {
                SaleChannel.InStore => Channel.InStore,
                SaleChannel.HomeDelivery => Channel.HomeDelivery,
                SaleChannel.ClickAndCollect => Channel.ClickAndCollect,
                _ => throw new ArgumentOutOfRangeException(nameof(pos), pos.Channel, "unknown channel"),
            },
        };

        foreach (var group in pos.Lines.GroupBy(l => (l.Category, l.VatRatePercent, l.Returned)).OrderBy(g => g.Key))
        {
            var gross = group.Sum(l => l.GrossOre);
            receipt.Lines.Add(new ReceiptLine
            {
                Category = group.Key.Category,
                VatRateBasisPoints = group.Key.VatRatePercent * 100,
                GrossOre = gross,
                VatOre = VatPart(gross, group.Key.VatRatePercent),
                QuantityMilli = group.Sum(l => l.QuantityMilli),
                Returned = group.Key.Returned,
            });
        }

        foreach (var group in pos.Payments.GroupBy(p => p.Method).OrderBy(g => g.Key))
        {
            receipt.Payments.Add(new Payment { Method = ToContract(group.Key), AmountOre = group.Sum(p => p.AmountOre) });
        }

        return receipt;
    }

    /// <summary>
    /// The delivery of a home-delivery receipt, if it has one: the household becomes a keyed hash
    /// (the same household, the same key, so the hub can apply "one delivery a week"), and the
    /// order value is the receipt's goods.
    /// </summary>
    public HomeDelivery? AnonymiseDelivery(PosReceipt pos)
    {
        ArgumentNullException.ThrowIfNull(pos);
        if (pos.Delivery is not { } delivery)
        {
            return null;
        }

        var date = DateOnly.FromDateTime(pos.LocalTime);
        return new HomeDelivery
        {
            DeliveryKey = KeyedHash("delivery", date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), pos.ReceiptNumber),
            Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
            HouseholdKey = KeyedHash("household", NormaliseHousehold(delivery.Household)),
            Locality = delivery.Locality,
            DistanceM = delivery.DistanceM,
            OrderValueOre = pos.GoodsOre,
            HouseholdRegistered = delivery.Registered,
        };
    }

    /// <summary>
    /// The receipt's service transactions as the agent counts them (issue 19): each its day, kind and
    /// a keyed hash of the receipt number and its place among the receipt's transactions of that kind.
    /// </summary>
    public IReadOnlyList<Outbox.ServiceEvent> AnonymiseServices(PosReceipt pos)
    {
        ArgumentNullException.ThrowIfNull(pos);
        var day = DateOnly.FromDateTime(pos.LocalTime);
        return [.. pos.Services.GroupBy(s => s.Kind).SelectMany(g => g.Select((s, i) => ServiceKey(pos.ReceiptNumber, day, s, i)))];
    }

    /// <summary>One service transaction of the till's <paramref name="transaction"/> (receipt) number on a day, the <paramref name="ordinal"/>th of its kind there.</summary>
    public Outbox.ServiceEvent ServiceKey(string transaction, DateOnly day, ServiceTransaction service, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(service);
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return new Outbox.ServiceEvent(day, service.Kind,
            KeyedHash("service", date, transaction, ServiceKinds.Name(service.Kind), ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)), service.AmountOre);
    }

    /// <summary>"Storgatan 1 ", "STORGATAN  1" and "storgatan 1" are one household.</summary>
    public static string NormaliseHousehold(string household) =>
        string.Join(' ', (household ?? string.Empty).ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The VAT inside a gross amount, rounded half away from zero to whole öre.</summary>
    public static long VatPart(long grossOre, int vatRatePercent) =>
        (long)Math.Round(grossOre * (decimal)vatRatePercent / (100 + vatRatePercent), MidpointRounding.AwayFromZero);

    /// <summary>HMAC-SHA256 over the parts, 128 bits in hex: enough to deduplicate, useless to enumerate.</summary>
    public string KeyedHash(string purpose, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var text = purpose + "\n" + string.Join("\n", parts);
        var mac = HMACSHA256.HashData(storeSecret, Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(mac, 0, 16);
    }

    private static PaymentMethod ToContract(PayMethod method) => method switch
    {
        PayMethod.Cash => PaymentMethod.Cash,
        PayMethod.Card => PaymentMethod.Card,
        PayMethod.Swish => PaymentMethod.Swish,
        PayMethod.Invoice => PaymentMethod.Invoice,
        PayMethod.Other => PaymentMethod.Other,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };
}
