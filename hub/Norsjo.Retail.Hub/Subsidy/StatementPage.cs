using System.Globalization;
using System.Net;
using System.Text;

namespace Norsjo.Retail.Hub.Subsidy;

/// <summary>A statement as a printable page in Swedish (the browser's "Skriv ut" makes the PDF).</summary>
public static class StatementPage
{
    public static string Html(Statement statement, string storeName)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var sv = CultureInfo.GetCultureInfo("sv-SE");
        string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Hemsändningsbidrag ")
            .Append(E(statement.Month)).Append(' ').Append(E(storeName)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#111;overflow-wrap:anywhere}h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}")
            .Append("th,td{border-bottom:1px solid #999;padding:.3rem .5rem;text-align:left}td.n{text-align:right}")
            .Append(".nej{color:#8a1c1c}.rattelse{font-style:italic}.scroll{overflow-x:auto}@media (max-width:600px){body{margin:1rem}}@media print{body{margin:0}.scroll{overflow:visible}}</style></head><body>")
            .Append("<h1>Hemsändningsbidrag – ").Append(E(storeName)).Append("</h1>")
            .Append("<p>Månad: <strong>").Append(E(statement.Month)).Append("</strong>")
            .Append(statement.Produced ? string.Empty : " (underlaget är inte framtaget ännu)").Append("</p>")
            .Append(CultureInfo.InvariantCulture, $"<p>Leveranser: {statement.Deliveries}. Godkända: {statement.Eligible}. Avslagna: {statement.Rejected}. ")
            .Append("Att betala: <strong>").Append(statement.AmountDueKr.ToString("N2", sv)).Append(" kr</strong>.");
        if (statement.Corrections > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $" Varav {statement.Corrections} rättelser: leveranser från tidigare månader som kom in efter deras underlag.");
        }

        html.Append("</p><div class=\"scroll\"><table><thead><tr><th>Datum</th><th>Vecka</th><th>Ort</th><th>Avstånd</th><th>Bedömning</th><th>Belopp</th></tr></thead><tbody>");
        foreach (var line in statement.Lines)
        {
            html.Append("<tr class=\"").Append(line.Eligible ? "ja" : "nej").Append(line.Correction ? " rattelse" : string.Empty).Append("\"><td>")
                .Append(E(line.Date)).Append(line.Correction ? " (rättelse)" : string.Empty).Append("</td><td>").Append(E(line.Week))
                .Append("</td><td>").Append(E(line.Locality)).Append("</td><td class=\"n\">").Append(line.DistanceKm.ToString("0.0", sv))
                .Append(" km</td><td>").Append(E(line.Reason)).Append("</td><td class=\"n\">").Append(line.AmountKr.ToString("N2", sv)).Append(" kr</td></tr>");
        }

        return html.Append("</tbody></table></div><p>Hushållen visas inte: underlaget per hushåll finns hos butiken.</p></body></html>").ToString();
    }
}
