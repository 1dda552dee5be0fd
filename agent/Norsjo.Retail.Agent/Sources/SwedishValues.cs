using System.Globalization;
using System.Text;

namespace Norsjo.Retail.Agent.Sources;

/// <summary>
/// How Swedish tills write values: kronor with decimal comma, spaces or non-breaking spaces between
/// thousands, the true minus sign, Swedish words for payment methods. Every reader uses these, and
/// every problem is a <see cref="FormatException"/> with a Swedish message for the store owner.
/// </summary>
public static class SwedishValues
{
    private static readonly string[] TimeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"];
    private static readonly HashSet<int> VatRates = [0, 6, 12, 25];
    // Swedish number formatting written out, so the agent runs with invariant globalization (no ICU: less memory).
    private static readonly NumberFormatInfo Swedish = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = "\u00a0",
        NegativeSign = "\u2212",
    };

    /// <summary>Kronor with decimal comma or point and optional space as thousands separator, to whole öre.</summary>
    public static long ParseOre(string text, string field) => ParseScaled(text, field, "ett belopp i kronor", 100, "två");

    public static long ParseMilli(string text, string field) => ParseScaled(text, field, "ett antal", 1000, "tre");

    public static DateTime ParseTime(string text, string field = "time") =>
        DateTime.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"{field} \"{text}\" är ingen tid (ÅÅÅÅ-MM-DD TT:MM[:SS]).");

    /// <summary>A category code as the hub takes it: 1–64 letters, digits, '_', '-' or spaces, in lower case.</summary>
    public static string ParseCategory(string text, string field = "category")
    {
        var category = text.Trim().ToLowerInvariant();
        return category.Length is > 0 and <= 64 && category.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or ' ')
            ? category
            : throw new FormatException(category.Length == 0
                ? $"{field} saknas för en vara."
                : $"{field} \"{(category.Length > 40 ? category[..40] + "…" : category)}\" ska vara 1–64 bokstäver, siffror, '_' eller '-'.");
    }

    public static int ParseVatPercent(string text, string field = "vat_percent") =>
        int.TryParse(text.Trim().TrimEnd('%', ' '), NumberStyles.None, CultureInfo.InvariantCulture, out var vat) && VatRates.Contains(vat)
            ? vat
            : throw new FormatException($"{field} \"{text}\" är ingen svensk momssats (25, 12, 6 eller 0).");

    public static SaleChannel ParseChannel(string text, string field = "channel") => text.Trim().ToLowerInvariant() switch
    {
        "" or "in_store" or "butik" => SaleChannel.InStore,
        "home_delivery" or "hemsandning" or "hemsändning" => SaleChannel.HomeDelivery,
        "click_and_collect" => SaleChannel.ClickAndCollect,
        _ => throw new FormatException($"{field} \"{text}\" är okänd (in_store, home_delivery eller click_and_collect)."),
    };

    public static PayMethod ParseMethod(string text, string field = "payment_method") => text.Trim().ToLowerInvariant() switch
    {
        "cash" or "kontant" or "kontanter" => PayMethod.Cash,
        "card" or "kort" => PayMethod.Card,
        "swish" => PayMethod.Swish,
        "invoice" or "faktura" => PayMethod.Invoice,
        "other" or "annat" or "ovrigt" or "övrigt" => PayMethod.Other,
        _ => throw new FormatException($"{field} \"{text}\" är okänt (cash, card, swish, invoice eller other)."),
    };

    public static string Kronor(long ore) => (ore / 100m).ToString("N2", Swedish) + " kr";

    /// <summary>UTF-8 as most tills write today; Latin-1 for older ones that cannot.</summary>
    public static string DecodeText(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(content);
        }
    }

    /// <summary>
    /// The receipt rules every source applies: at least one item, one time, payments (if any) adding
    /// up to the goods, and a delivery only on a home-delivery receipt. Null when the receipt holds.
    /// A receipt of service transactions alone (a parcel handed out) has no items; its payments, if
    /// any, must then add up to nothing: a service is counted, never paid for as goods.
    /// </summary>
    public static string? CheckReceipt(PosReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Lines.Count == 0 && receipt.Services.Count == 0)
        {
            return "Kvittot har inga varurader.";
        }

        if (receipt.Lines.Count == 0 && receipt.Delivery is not null)
        {
            return "En hemleverans måste ha varor.";
        }

        var paid = receipt.Payments.Sum(p => p.AmountOre);
        if (receipt.Payments.Count > 0 && paid != receipt.GoodsOre)
        {
            return $"Betalningarna ({Kronor(paid)}) stämmer inte med varorna ({Kronor(receipt.GoodsOre)}).";
        }

        return receipt.Delivery is not null && receipt.Channel != SaleChannel.HomeDelivery
            ? "En hemleverans måste ha channel home_delivery."
            : null;
    }

    private static long ParseScaled(string text, string field, string what, int scale, string decimals)
    {
        var scaled = ParseDecimal(text, field, what) * scale;
        return scaled == decimal.Truncate(scaled)
            ? (long)scaled
            : throw new FormatException($"{field} \"{text}\" har fler än {decimals} decimaler.");
    }

    private static decimal ParseDecimal(string text, string field, string what)
    {
        var normalised = text.Replace(" ", string.Empty, StringComparison.Ordinal)
            .Replace("\u00a0", string.Empty, StringComparison.Ordinal)
            .Replace("\u202f", string.Empty, StringComparison.Ordinal)
            .Replace("kr", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace('\u2212', '-') // the minus sign Swedish number formatting writes
            .Replace(',', '.');
        if (normalised.Length == 0
            || !decimal.TryParse(normalised, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || Math.Abs(value) > 100_000_000m)
        {
            throw new FormatException($"{field} \"{text}\" är inte {what}.");
        }

        return value;
    }
}
