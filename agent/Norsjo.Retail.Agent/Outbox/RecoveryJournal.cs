using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Norsjo.Retail.Agent.Outbox;

/// <summary>POS plug-in sales of one day that could not be saved.</summary>
public sealed record LostPosDay(DateOnly Date, int Sales, long GrossOre);

/// <summary>What start-up found wrong with the outbox and what it saved.</summary>
/// <param name="ItemsLost">Items the ledger says the outbox held that could not be read back (-1: unknown, no ledger).</param>
/// <param name="LostPosSales">POS plug-in sales among them, per day: no file can bring these back.</param>
/// <param name="LostReport">The Swedish report to the shop naming them, if any.</param>
public sealed record OutboxRecoveryReport(
    DateTimeOffset At,
    string Problem,
    string DamagedCopy,
    int ItemsSaved,
    int ItemsLost,
    int SourcesSaved,
    IReadOnlyList<LostPosDay> LostPosSales,
    IReadOnlyList<string> SourcesToSendAgain,
    string? LostReport);

/// <summary>
/// Every recovery of the outbox, one JSON line each in <c>outbox-recoveries.jsonl</c> beside it (not
/// inside the file that was damaged), so `status` can show the last one whoever looks and however
/// often the agent has been restarted since.
/// </summary>
public static class RecoveryJournal
{
    public const string FileName = "outbox-recoveries.jsonl";

    public static void Append(string dataDirectory, OutboxRecoveryReport report)
    {
        using var stream = new FileStream(Path.Combine(dataDirectory, FileName), FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(report, Hosting.RecoveryJson.Default.OutboxRecoveryReport) + "\n"));
        stream.Flush(flushToDisk: true);
    }

    public static OutboxRecoveryReport? Last(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path).Reverse())
        {
            try
            {
                if (line.Length > 0 && JsonSerializer.Deserialize(line, Hosting.RecoveryJson.Default.OutboxRecoveryReport) is { } report)
                {
                    return report;
                }
            }
            catch (JsonException)
            {
                // a line cut short by a power cut; the one before is whole
            }
        }

        return null;
    }
}

/// <summary>
/// The report to the shop, in Swedish, naming the POS plug-in sales the agent lost (day, number,
/// sum): they reached the agent only as calls from the till, so no file can bring them back and
/// the owner must add them from the till's own records (Z-report).
/// </summary>
public static class LostSalesReport
{
    public const string FilePrefix = "forlorade-forsaljningar-";

    public static string Write(string dataDirectory, DateTimeOffset at, string cause, IReadOnlyList<LostPosDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var text = new StringBuilder()
            .AppendLine("Försäljningar som inte kunde skickas till kommunen")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{at.ToLocalTime():yyyy-MM-dd HH:mm}: {cause}")
            .AppendLine("Dessa försäljningar kom från kassans tillägg (POS) och finns inte i någon exportfil,")
            .AppendLine("så agenten kan inte skicka dem igen. Ta fram dem ur kassans egna uppgifter (Z-rapporten).")
            .AppendLine();
        foreach (var day in days.OrderBy(d => d.Date))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{day.Date:yyyy-MM-dd}: {day.Sales} {(day.Sales == 1 ? "försäljning" : "försäljningar")}, {Kronor(day.GrossOre)} kr");
        }

        text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"Totalt: {days.Sum(d => d.Sales)} försäljningar, {Kronor(days.Sum(d => d.GrossOre))} kr.");
        var path = Path.Combine(dataDirectory, FilePrefix + at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".txt");
        for (var n = 1; File.Exists(path); n++)
        {
            path = Path.Combine(dataDirectory, $"{FilePrefix}{at.UtcDateTime:yyyyMMdd-HHmmss}-{n}.txt");
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(true));
        return path;
    }

    /// <summary>Swedish form, "1 234,50" (the agent runs with invariant globalization, so it is written out here).</summary>
    public static string Kronor(long ore) =>
        (ore / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture).Replace(",", " ", StringComparison.Ordinal).Replace('.', ',');
}
