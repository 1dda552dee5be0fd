namespace Norsjo.Retail.Hub.Subsidy;

/// <summary>
/// One version of the home-delivery subsidy rules, in force from <see cref="ValidFrom"/> until the
/// next version (or <see cref="ValidTo"/>). A change takes effect from its date, never backwards.
/// </summary>
public sealed record SubsidyRule(
    DateOnly ValidFrom,
    DateOnly? ValidTo,
    long AmountOre,
    int MinDistanceM,
    int MaxPerHouseholdPerWeek,
    IReadOnlySet<string> Localities)
{
    /// <summary>Only households the store's register marks as entitled (e.g. elderly or disabled).</summary>
    public bool RegisteredHouseholdsOnly { get; init; }
}

/// <summary>
/// The municipality's subsidy (registry "subsidy"): the rules over time and what the state
/// refunds (förordning 2000:284: at most half the municipality's net cost, at most a cap per
/// household and delivery, and only above a minimum net cost).
/// </summary>
public sealed record SubsidyPolicy(IReadOnlyList<SubsidyRule> Rules, decimal StateShare, long StateCapPerDeliveryOre, long ClaimThresholdOre)
{
    public static SubsidyPolicy None { get; } = new([], 0.5m, 10_000, 0);

    /// <summary>The rule in force on a day, or null when no rule covers it.</summary>
    public SubsidyRule? RuleOn(DateOnly day)
    {
        var rule = Rules.Where(r => r.ValidFrom <= day).MaxBy(r => r.ValidFrom);
        return rule is not null && (rule.ValidTo is null || day <= rule.ValidTo) ? rule : null;
    }
}
