using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// What the municipality's figures rest on, so a page says it beside the headline instead of
/// keeping copies: the target, the disclosure minimum, the estimate's ± range, which national
/// figures and population the index of a year is computed with, and which months are complete.
/// </summary>
/// <param name="LastCompleteMonth">The last month that has ended and settled (YYYY-MM): the headline's period ends here.</param>
/// <param name="NextCompleteMonth">The month that becomes complete next (YYYY-MM), on <paramref name="NextCompleteOn"/> (YYYY-MM-DD), once late uploads have had their days.</param>
/// <param name="FiguresYear">The registry year whose national turnover per resident this year's index uses.</param>
/// <param name="PopulationYear">The registry year whose population (31 December) this year's index uses.</param>
/// <param name="Provisional">This year's index borrows another year's population and national figures (<paramref name="FiguresYear"/>): it is provisional.</param>
/// <param name="Basis">In words, what this year's index is computed with ("räknat med befolkning 31 dec 2025 (SCB), rikets omsättning 2025 (HUI)").</param>
/// <param name="Years">The same for every year from the registry's first to this one, for pages that show past years.</param>
public sealed record IndexBasis(
    decimal Target,
    int MinimumStores,
    decimal EstimateUncertainty,
    string Today,
    string CurrentMonth,
    string LastCompleteMonth,
    int SettleDays,
    string NextCompleteMonth,
    string NextCompleteOn,
    int Year,
    int FiguresYear,
    int PopulationYear,
    int Population,
    IReadOnlyList<int> RegistryYears)
{
    public bool Provisional { get; init; }

    public string Basis { get; init; } = string.Empty;

    public IReadOnlyList<YearBasis> Years { get; init; } = [];

    /// <summary>The municipality's name as its registry says it: the page's heading (a hub may hold several municipalities).</summary>
    public string Municipality { get; init; } = string.Empty;
}

public static class IndexBasisApi
{
    public static RouteGroupBuilder MapIndexBasis(this RouteGroupBuilder municipality)
    {
        ArgumentNullException.ThrowIfNull(municipality);
        municipality.MapGet("/index/basis", GetIndexBasis).WithName(nameof(GetIndexBasis))
            .WithSummary("What the index rests on: target, minimum stores, the estimates' ± range, the national figures' and population's year, the last complete month");
        return municipality;
    }

    public static Ok<IndexBasis> GetIndexBasis(StoreRegistry registry, MunicipalFigures figures, TimeProvider time) => TypedResults.Ok(Of(registry, figures, time));

    public static IndexBasis Of(StoreRegistry registry, MunicipalFigures figures, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(figures);
        var today = Time.SwedishTime.Today(time);
        var current = Time.SwedishTime.CurrentMonth(time);
        var year = registry.FiguresFor(today.Year) ?? throw new InvalidOperationException("The registry has no years: the index needs population and national figures.");
        return new IndexBasis(
            registry.IndexTarget, figures.Options.MinimumStores, registry.EstimateUncertainty,
            today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Month(current), Month(figures.LastSettledMonth), figures.Options.SettleDays,
            Month(figures.LastSettledMonth.AddMonths(1)),
            figures.LastSettledMonth.AddMonths(2).AddDays(figures.Options.SettleDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            today.Year, year.Year, year.Year, year.Population, [.. registry.Years.Select(y => y.Year).Order()])
        {
            Provisional = YearBasis.For(registry, today.Year).Provisional,
            Basis = YearBasis.For(registry, today.Year).Text,
            Years = YearBasis.Through(registry, today.Year),
            Municipality = registry.Municipality,
        };
    }

    /// <summary>A period is complete when every month in it has ended and settled; the calculator alone cannot know the clock.</summary>
    public static PublishedIndexPeriod Honest(PublishedIndexPeriod period, DateOnly lastSettledMonth)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period with { Complete = period.Complete && period.To < lastSettledMonth.AddMonths(1) };
    }

    private static string Month(DateOnly month) => month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
