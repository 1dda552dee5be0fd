using System.Globalization;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>Whether one cell (a group of stores, one month, one measure) may be shown, and if not why, in Swedish.</summary>
public sealed record Verdict(bool Shown, string? Reason)
{
    public static Verdict Show { get; } = new(true, null);

    public static Verdict Hold(string reason) => new(false, reason);
}

/// <summary>Primary suppression: the count rule, the dominance rule and the p % rule, on one cell's contributions.</summary>
public static class DisclosureRule
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>
    /// <paramref name="contributions"/> are the protected stores' parts of the cell (stores that share
    /// their figures, or whose estimate is published beside it, are not counted: they protect no one).
    /// A cell nobody contributed to reveals nothing and is shown.
    /// </summary>
    public static Verdict Check(IEnumerable<decimal> contributions, DisclosureOptions options)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        ArgumentNullException.ThrowIfNull(options);
        var parts = contributions.Where(c => c != 0).Select(Math.Abs).OrderDescending().ToList();
        if (parts.Count == 0)
        {
            return Verdict.Show;
        }

        if (parts.Count < options.MinimumStores)
        {
            return Verdict.Hold($"färre än {options.MinimumStores} butiker bidrar");
        }

        var total = parts.Sum();
        if (parts[0] > options.DominanceShare * total)
        {
            return Verdict.Hold($"en butik står för mer än {(options.DominanceShare * 100).ToString("0.#", Swedish)} % av siffran");
        }

        return options.PPercent > 0 && total - parts[0] - parts[1] < options.PPercent / 100m * parts[0]
            ? Verdict.Hold($"de två största butikerna står för nästan hela siffran (p %-regeln, {options.PPercent.ToString("0.#", Swedish)} %)")
            : Verdict.Show;
    }
}
