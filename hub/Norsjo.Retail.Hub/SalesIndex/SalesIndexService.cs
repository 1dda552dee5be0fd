using System.Globalization;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.SalesIndex;

/// <summary>The index per calendar year and as a rolling 12 months, month by month, and per village.</summary>
public sealed class SalesIndexService(MonthlyTurnover turnover, RegistryFacts facts, TimeProvider time)
{

    public DateOnly CurrentMonth => Time.SwedishTime.CurrentMonth(time);

    /// <summary>A calendar year; this year's so far is annualised from the months with data and marked incomplete.</summary>
    public async Task<IndexPeriod> YearAsync(int year, CancellationToken cancellationToken)
    {
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 1);
        if (to > CurrentMonth)
        {
            to = CurrentMonth;
        }

        var data = await turnover.ReadAsync(Earliest(from), to, cancellationToken).ConfigureAwait(false);
        return CalculatorFor(to).Compute(data, from, to, year.ToString(CultureInfo.InvariantCulture), annualise: true);
    }

    /// <summary>The rolling 12 months ending in each month from <paramref name="firstEnd"/> to <paramref name="lastEnd"/>.</summary>
    public async Task<IReadOnlyList<IndexPeriod>> RollingAsync(DateOnly firstEnd, DateOnly lastEnd, CancellationToken cancellationToken)
    {
        var data = await turnover.ReadAsync(Earliest(firstEnd.AddMonths(-11)), lastEnd, cancellationToken).ConfigureAwait(false);
        return SalesIndexCalculator.MonthsBetween(firstEnd, lastEnd)
            .Select(end => CalculatorFor(end).Compute(data, end.AddMonths(-11), end,
                $"{end.AddMonths(-11):yyyy-MM}–{end:yyyy-MM}", annualise: false))
            .ToList();
    }

    public async Task<VillageReport> VillagesAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var data = await turnover.ReadAsync(Earliest(fromMonth), toMonth, cancellationToken).ConfigureAwait(false);
        return CalculatorFor(toMonth).Villages(data, fromMonth, toMonth, $"{fromMonth:yyyy-MM}–{toMonth:yyyy-MM}");
    }

    /// <summary>The calculator with the registry as it held on the period's last day (a past period keeps its past facts).</summary>
    private SalesIndexCalculator CalculatorFor(DateOnly toMonth) => new(facts.AsOf(toMonth.AddMonths(1).AddDays(-1)));

    /// <summary>The first month the figures need: a year before the period (growth), or the oldest baseline year (trends).</summary>
    public DateOnly Earliest(DateOnly from)
    {
        var yearBefore = from.AddYears(-1);
        var baselineYears = facts.Current.Stores.Where(s => s.Baseline is not null).Select(s => s.Baseline!.Year).ToList();
        return baselineYears.Count == 0 ? yearBefore : new[] { yearBefore, new DateOnly(baselineYears.Min() - 1, 1, 1) }.Min();
    }
}
