using System.Globalization;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.SalesIndex;

/// <summary>The index per calendar year and as a rolling 12 months, month by month, and per village.</summary>
public sealed class SalesIndexService(MonthlyTurnover turnover, StoreRegistry registry, TimeProvider time)
{
    private readonly SalesIndexCalculator _calculator = new(registry);

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
        return _calculator.Compute(data, from, to, year.ToString(CultureInfo.InvariantCulture), annualise: true);
    }

    /// <summary>The rolling 12 months ending in each month from <paramref name="firstEnd"/> to <paramref name="lastEnd"/>.</summary>
    public async Task<IReadOnlyList<IndexPeriod>> RollingAsync(DateOnly firstEnd, DateOnly lastEnd, CancellationToken cancellationToken)
    {
        var data = await turnover.ReadAsync(Earliest(firstEnd.AddMonths(-11)), lastEnd, cancellationToken).ConfigureAwait(false);
        return SalesIndexCalculator.MonthsBetween(firstEnd, lastEnd)
            .Select(end => _calculator.Compute(data, end.AddMonths(-11), end,
                $"{end.AddMonths(-11):yyyy-MM}–{end:yyyy-MM}", annualise: false))
            .ToList();
    }

    public async Task<VillageReport> VillagesAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var data = await turnover.ReadAsync(Earliest(fromMonth), toMonth, cancellationToken).ConfigureAwait(false);
        return _calculator.Villages(data, fromMonth, toMonth, $"{fromMonth:yyyy-MM}–{toMonth:yyyy-MM}");
    }

    /// <summary>The first month the figures need: a year before the period (growth), or the oldest baseline year (trends).</summary>
    public DateOnly Earliest(DateOnly from)
    {
        var yearBefore = from.AddYears(-1);
        var baselineYears = registry.Stores.Where(s => s.Baseline is not null).Select(s => s.Baseline!.Year).ToList();
        return baselineYears.Count == 0 ? yearBefore : new[] { yearBefore, new DateOnly(baselineYears.Min() - 1, 1, 1) }.Min();
    }
}
