namespace Norsjo.Retail.Hub.Registry;

/// <summary>
/// What a year's index is computed with, said in words: "räknat med befolkning 31 dec 2025 (SCB),
/// rikets omsättning 2025 (HUI)". When the year has no figures of its own the index borrows the
/// latest earlier year's and is provisional, and says so.
/// </summary>
/// <param name="FiguresYear">The registry year whose population and national turnover the index uses (0: the registry has no years).</param>
public sealed record YearBasis(int Year, int FiguresYear, bool Provisional, string Text)
{
    public static YearBasis For(StoreRegistry registry, int year)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.FiguresFor(year) is not { } used)
        {
            return new(year, 0, true, $"preliminärt: registret har inga befolknings- eller rikssiffror, så index för {year} kan inte räknas");
        }

        var text = $"räknat med befolkning 31 dec {used.Year} ({Source(used.Sources.Population)}), rikets omsättning {used.Year} ({Source(used.Sources.NationalTurnover)})";
        return used.Year == year
            ? new(year, used.Year, false, text)
            : new(year, used.Year, true, $"preliminärt: {year} saknar befolkning och rikets omsättning i registret, {text}");
    }

    /// <summary>Every year from the registry's first (or <paramref name="to"/>) to <paramref name="to"/>.</summary>
    public static IReadOnlyList<YearBasis> Through(StoreRegistry registry, int to)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var from = Math.Min(registry.Years.Count == 0 ? to : registry.Years.Min(y => y.Year), to);
        return [.. Enumerable.Range(from, to - from + 1).Select(y => For(registry, y))];
    }

    private static string Source(string source) => source.Length == 0 ? "källa ej angiven" : source;
}

/// <summary>A fact the registry lacks: the year, what is missing, and the year the index borrows from meanwhile (0: none).</summary>
public sealed record MissingFact(int Year, string What, int BorrowedFrom)
{
    /// <summary>The sentence /admin lists and check-registry prints.</summary>
    public string Text => BorrowedFrom != 0 && BorrowedFrom != Year
        ? $"{Year}: {What} saknas – index för {Year} är preliminärt och räknas med {BorrowedFrom} års siffror."
        : $"{Year}: {What} saknas.";

    /// <summary>What /admin lists: years up to <paramref name="currentYear"/> without figures, and figures without a source.</summary>
    public static IReadOnlyList<MissingFact> In(StoreRegistry registry, int currentYear)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var missing = new List<MissingFact>();
        foreach (var basis in YearBasis.Through(registry, currentYear))
        {
            if (basis.Provisional)
            {
                missing.Add(new(basis.Year, "befolkning 31 dec och rikets omsättning per invånare (dagligvaror, sällanköpsvaror)", basis.FiguresYear));
                continue;
            }

            var year = registry.Years.Single(y => y.Year == basis.Year);
            if (year.Sources.Population.Length == 0)
            {
                missing.Add(new(basis.Year, "källa för befolkningen", basis.Year));
            }

            if (year.Sources.NationalTurnover.Length == 0)
            {
                missing.Add(new(basis.Year, "källa för rikets omsättning", basis.Year));
            }
        }

        return missing;
    }
}
