namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>
/// The disclosure rule's parameters (section "Disclosure"), with their defaults here and nowhere
/// else. A municipal figure is shown only if, in every month it covers, every group of stores it
/// is made of has at least <see cref="MinimumStores"/> contributing stores, no store above
/// <see cref="DominanceShare"/> of the group's figure, and the others together at least
/// <see cref="PPercent"/> % of the largest (the p % rule: a competitor who subtracts their own
/// figure cannot estimate the largest store closer than that).
/// </summary>
public sealed class DisclosureOptions
{
    public const string Section = "Disclosure";

    public int MinimumStores { get; set; } = 3;

    public decimal DominanceShare { get; set; } = 0.85m;

    /// <summary>0 turns the p % rule off.</summary>
    public decimal PPercent { get; set; } = 10m;

    /// <summary>A month is published only once this many days of the next month have passed, so late uploads have arrived.</summary>
    public int SettleDays { get; set; } = 5;

    /// <summary>How often the published figures are written for Grafana (municipal_figures); also after every consent change.</summary>
    public TimeSpan PublishEvery { get; set; } = TimeSpan.FromHours(1);
}
