using System.Globalization;
using System.Text.RegularExpressions;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>
/// The item a hub's refusal names first ("receipts[3].vat_rate: …" → receipts, 3), read one way by
/// the uploader and the outbox. Generated at build time: a regex built at run time would link
/// .NET's regex parser and interpreter into the native agent for one pattern.
/// </summary>
public static partial class RefusedItem
{
    public static (string Kind, int Index)? Of(string refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var match = Named().Match(refusal);
        return match.Success ? (match.Groups[1].Value, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)) : null;
    }

    [GeneratedRegex(@"^(receipts|daily_totals|home_deliveries|service_volumes)\[(\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Named();
}
