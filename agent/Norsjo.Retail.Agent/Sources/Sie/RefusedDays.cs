using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>
/// A day's totals the hub refused (e.g. a day before the store's first day in the municipality's
/// register) are said where the shop owner looks — in "fel" of the folder the day came from
/// (SIE or export folder), in Swedish — not only in the log. The day itself stays in the outbox's
/// rejected items.
/// </summary>
public static partial class RefusedDays
{
    /// <summary>Writes the report for one refused day; returns its path, or null when the day's folder is not set.</summary>
    public static string? Report(AgentOptions settings, DailyTotal total, string refusal, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(total);
        var folder = total.Source == DailySource.Sie4 ? settings.SieFolder : settings.ExportFolder;
        if (string.IsNullOrWhiteSpace(folder) || total.Date is null)
        {
            return null;
        }

        var day = $"{total.Date.Year:D4}-{total.Date.Month:D2}-{total.Date.Day:D2}";
        var errors = Path.Combine(Path.GetFullPath(folder), WatchedFolder.ErrorFolder);
        Directory.CreateDirectory(errors);
        var path = Path.Combine(errors, $"avvisad-dag-{day}.fel.txt");
        var gross = total.Sales.Sum(s => s.GrossOre);
        var paid = total.Payments.Sum(p => p.AmountOre);
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hubben tog inte emot dagen {day} ({(total.Source == DailySource.Sie4 ? "SIE-fil" : "Z-rapport")})")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Försäljning {SwedishValues.Kronor(gross)}, betalningar {SwedishValues.Kronor(paid)}.")
            .AppendLine(CultureInfo.InvariantCulture, $"Skäl: {Explain(refusal)}")
            .AppendLine(CultureInfo.InvariantCulture, $"    (hubbens svar: {refusal})")
            .AppendLine()
            .AppendLine("Dagen har inte räknats. Den ligger kvar i agentens utkorg (rejected_items) och skickas inte igen av sig själv.")
            .AppendLine("Ligger dagen före butikens första dag: be kommunen rätta butikens startdag i sitt register, eller ta bort dagen ur filen.")
            .AppendLine("Rätta sedan filen och lägg den i mappen igen.")
            .AppendLine(CultureInfo.InvariantCulture, $"({now.ToLocalTime():yyyy-MM-dd HH:mm})");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(true));
        return path;
    }

    /// <summary>The hub's reasons that a shop owner meets, in Swedish; any other is given as the hub said it.</summary>
    private static string Explain(string refusal)
    {
        if (FirstDay().Match(refusal) is { Success: true } before)
        {
            return $"dagen {before.Groups[1].Value} ligger före butikens första dag {before.Groups[2].Value} i kommunens register.";
        }

        if (refusal.Contains("is in the future", StringComparison.Ordinal))
        {
            return "dagen ligger i framtiden: kontrollera kassans klocka och datum.";
        }

        return "hubben godtog inte dagens siffror.";
    }

    [GeneratedRegex(@"(\d{4}-\d{2}-\d{2}) is before the store's first day (\d{4}-\d{2}-\d{2})", RegexOptions.CultureInvariant)]
    private static partial Regex FirstDay();
}
