using System.Globalization;

namespace Norsjo.Retail.Hub.Subsidy;

/// <summary>One home delivery as the hub knows it: the household only as the store's keyed hash.</summary>
public sealed record DeliveryFact(string StoreId, string DeliveryKey, DateOnly Date, string HouseholdKey, string Locality, int DistanceM, long OrderValueOre)
{
    /// <summary>The store's register marks the household as entitled.</summary>
    public bool Registered { get; init; }
}

/// <summary>A delivery judged, in the statement of <see cref="StatementMonth"/>.</summary>
public sealed record LedgerEntry(DeliveryFact Delivery, DateOnly StatementMonth, bool Eligible, string Reason, long AmountOre);

/// <summary>
/// Judges deliveries against the rule in force on each delivery's day: far enough from the store,
/// to a locality the rule covers, and within the household's deliveries per week (ISO weeks, so
/// the week around New Year is one week). Deliveries already judged stay as they were: a late
/// delivery is judged against what has been paid.
/// </summary>
public static class SubsidyJudge
{
    public const string Approved = "Godkänd";

    public static IReadOnlyList<LedgerEntry> Judge(
        IEnumerable<DeliveryFact> deliveries, IEnumerable<LedgerEntry> earlier, SubsidyPolicy policy, DateOnly statementMonth)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var paid = earlier.Where(e => e.Eligible)
            .GroupBy(e => (e.Delivery.StoreId, e.Delivery.HouseholdKey, Week(e.Delivery.Date)))
            .ToDictionary(g => g.Key, g => g.Count());
        var result = new List<LedgerEntry>();
        foreach (var delivery in deliveries.OrderBy(d => d.Date).ThenBy(d => d.DeliveryKey, StringComparer.Ordinal))
        {
            var (eligible, reason, amount) = Verdict(delivery, policy, paid);
            if (eligible)
            {
                var key = (delivery.StoreId, delivery.HouseholdKey, Week(delivery.Date));
                paid[key] = paid.GetValueOrDefault(key) + 1;
            }

            result.Add(new LedgerEntry(delivery, statementMonth, eligible, reason, amount));
        }

        return result;
    }

    /// <summary>ISO 8601 year and week, e.g. "2026-W53".</summary>
    public static string Week(DateOnly day)
    {
        var date = day.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}");
    }

    private static (bool Eligible, string Reason, long AmountOre) Verdict(
        DeliveryFact delivery, SubsidyPolicy policy, Dictionary<(string, string, string), int> paid)
    {
        if (policy.RuleOn(delivery.Date) is not { } rule)
        {
            return (false, $"Ingen regel gäller {delivery.Date:yyyy-MM-dd}", 0);
        }

        if (rule.Localities.Count > 0 && !rule.Localities.Contains(delivery.Locality.Trim().ToLowerInvariant()))
        {
            return (false, $"Orten {delivery.Locality} omfattas inte", 0);
        }

        if (rule.RegisteredHouseholdsOnly && !delivery.Registered)
        {
            return (false, "Hushållet är inte registrerat som berättigat", 0);
        }

        if (delivery.DistanceM < rule.MinDistanceM)
        {
            return (false, string.Create(CultureInfo.GetCultureInfo("sv-SE"),
                $"För nära butiken ({delivery.DistanceM / 1000m:0.0##} km, minst {rule.MinDistanceM / 1000m:0.0##} km)"), 0);
        }

        var week = Week(delivery.Date);
        return paid.GetValueOrDefault((delivery.StoreId, delivery.HouseholdKey, week)) >= rule.MaxPerHouseholdPerWeek
            ? (false, $"Hushållet har redan {rule.MaxPerHouseholdPerWeek} leverans(er) vecka {week}", 0)
            : (true, Approved, rule.AmountOre);
    }
}
