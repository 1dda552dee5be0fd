using System.Globalization;
using System.Text;

namespace Norsjo.Retail.DemoTill;

/// <summary>Writes receipts in the agent's export format (agent/README.md), as a Swedish till would: semicolons, decimal comma.</summary>
public static class ReceiptCsv
{
    public const string Header = "receipt_no;time;channel;row_type;category;vat_percent;amount;quantity;payment_method;cashier;customer_id;card_number;household;locality;distance_km;service";

    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    public static string Write(IEnumerable<DemoReceipt> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var csv = new StringBuilder().Append(Header).Append('\n');
        foreach (var r in receipts)
        {
            var time = r.LocalTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            foreach (var item in r.Items)
            {
                csv.Append(CultureInfo.InvariantCulture,
                    $"{r.ReceiptNumber};{time};{r.Channel};{(item.Returned ? "return" : "item")};{item.Category};{item.VatPercent};{Kronor(item.AmountOre)};{item.Quantity.ToString(Swedish)};;{r.Cashier};{r.LoyaltyId};\n");
            }

            foreach (var payment in r.Payments)
            {
                csv.Append(CultureInfo.InvariantCulture,
                    $"{r.ReceiptNumber};{time};{r.Channel};payment;;;{Kronor(payment.AmountOre)};;{payment.Method};{r.Cashier};{r.LoyaltyId};{payment.MaskedCard}\n");
            }

            foreach (var service in r.Services ?? [])
            {
                csv.Append(CultureInfo.InvariantCulture,
                    $"{r.ReceiptNumber};{time};{r.Channel};service;;;{(service.AmountOre == 0 ? string.Empty : Kronor(service.AmountOre))};;;{r.Cashier};{r.LoyaltyId};;;;;{service.Kind}\n");
            }

            if (r.Delivery is { } d)
            {
                csv.Append(CultureInfo.InvariantCulture,
                    $"{r.ReceiptNumber};{time};{r.Channel};delivery;;;;;;{r.Cashier};{r.LoyaltyId};;{d.Household};{d.Locality};{d.DistanceKm.ToString(Swedish)}\n");
            }
        }

        return csv.ToString();
    }

    private static string Kronor(long ore) => (ore / 100m).ToString("0.00", Swedish);
}
