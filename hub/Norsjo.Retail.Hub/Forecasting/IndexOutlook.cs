using System.Globalization;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Forecasting;

public sealed record Outlook(
    int Year, string AsOf, decimal Expected, decimal Low, decimal High, decimal ProbabilityOfTarget,
    decimal ReportedSoFarKr, decimal ForecastRestKr, decimal EstimatedStoresKr, string Method);

/// <summary>
/// Where this year's total index is heading: what the reporting stores sold so far, plus the
/// nightly forecast of the municipality's sales for the rest of the year (beyond its 8 weeks, the
/// same days last year scaled by how the forecast compares with them), plus the estimated stores.
/// The chance of reaching the municipality's target (<see cref="StoreRegistry.IndexTarget"/>) comes from 20,000 seeded draws: the forecast's uncertainty from its
/// 80 % interval (days taken as moving together, the cautious choice) and the estimates' ± range.
/// </summary>
public sealed class IndexOutlook(ClickHouseStorage storage, RegistryFacts facts, Tenancy.Municipality municipality, MonthlyTurnover turnover, ForecastRun forecasts, TimeProvider time)
{
    private sealed record DayValue(string Day, double Kr);

    private sealed record Stored(string RunDate, double Expected, double Low, double High, double ProbabilityOfTarget, double ReportedSoFarKr, double ForecastRestKr, double EstimatedStoresKr);

    public async Task<Outlook> ComputeAsync(CancellationToken cancellationToken = default)
    {
        var today = Api.ApiRequest.Today(time);
        var year = today.Year;
        var yearEnd = new DateOnly(year, 12, 31);
        var data = await turnover.ReadAsync(new DateOnly(year - 2, 1, 1), new DateOnly(year, today.Month, 1), cancellationToken).ConfigureAwait(false);
        var registry = facts.Current;
        var calculator = new SalesIndexCalculator(registry);
        var soFar = calculator.Compute(data, new DateOnly(year, 1, 1), new DateOnly(year, today.Month, 1), year.ToString(CultureInfo.InvariantCulture), annualise: true);
        var reported = soFar.Reported.TotalKr;
        var estimatedYear = soFar.Estimated.TotalKr * 12m / soFar.Months;

        // The rest of the year: the forecast where it reaches, last year's same days (scaled) beyond.
        var forecast = (await forecasts.LatestAsync(municipality.ForecastSeries, cancellationToken).ConfigureAwait(false)).Points.Where(p => p.Date >= today && p.Date <= yearEnd).ToList();
        var lastYear = (await storage.Database.QueryAsync<DayValue>(
            $"SELECT toString(sale_date) AS Day, sum(gross_ore) / 100 AS Kr FROM sales_daily FINAL WHERE {SqlLiteral.StoreIn(registry.Stores.Select(s => s.Id))} AND sale_date BETWEEN {SqlLiteral.Date(today.AddDays(-364))} AND {SqlLiteral.Date(yearEnd.AddDays(-364))} GROUP BY Day",
            cancellationToken).ConfigureAwait(false)).ToDictionary(d => DateOnly.ParseExact(d.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), d => d.Kr);
        var covered = forecast.Sum(p => lastYear.GetValueOrDefault(p.Date.AddDays(-364)));
        var scale = covered > 0 ? forecast.Sum(p => p.Point) / covered : 1.0;
        var beyond = forecast.Count == 0 ? today : forecast.Max(p => p.Date).AddDays(1);
        double beyondKr = 0;
        for (var day = beyond; day <= yearEnd; day = day.AddDays(1))
        {
            beyondKr += lastYear.GetValueOrDefault(day.AddDays(-364)) * scale;
        }

        var restPoint = forecast.Sum(p => p.Point) + beyondKr;
        // The 80 % interval is ±1.2816 σ; beyond the forecast the relative uncertainty of its last week is kept.
        var sigma = forecast.Sum(p => p.Upper - p.Lower) / 2.5631;
        if (forecast.Count > 0 && forecast.Sum(p => p.Point) > 0)
        {
            sigma *= restPoint / forecast.Sum(p => p.Point);
        }

        var figures = registry.FiguresFor(year)!;
        var nationalTotal = figures.NationalDagligvarorPerResidentKr + figures.NationalSallankopPerResidentKr;
        var (expected, low, high, probability) = Simulate((double)reported, restPoint, sigma, (double)estimatedYear, (double)registry.EstimateUncertainty, (double)registry.IndexTarget,
            total => (double)SalesIndexFormula.Index((decimal)total, figures.Population, nationalTotal, figures.IncomeFactor));
        return new Outlook(year, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Round(expected), Round(low), Round(high), Math.Round((decimal)probability, 3),
            Math.Round(reported), Math.Round((decimal)restPoint), Math.Round(estimatedYear),
            "Sålt hittills + nattens prognos för resten av året (bortom prognosens 8 veckor: samma dagar i fjol, skalade) + skattade butiker. Chansen för målet kommer från 20 000 dragningar.");
    }

    /// <summary>The index's mean, 10th and 90th percentile, and the share of draws at <paramref name="target"/> or more.</summary>
    public static (double Expected, double Low, double High, double ProbabilityOfTarget) Simulate(
        double reportedSoFar, double restMean, double restSigma, double estimated, double uncertainty, double target, Func<double, double> index, int draws = 20_000)
    {
        ArgumentNullException.ThrowIfNull(index);
        var random = new Random(2026);
        var values = new double[draws];
        for (var i = 0; i < draws; i++)
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var rest = Math.Max(0, restMean + (restSigma * gaussian));
            var estimate = estimated * (1 + (uncertainty * ((2 * random.NextDouble()) - 1)));
            values[i] = index(reportedSoFar + rest + estimate);
        }

        Array.Sort(values);
        return (values.Average(), values[(int)(0.1 * draws)], values[(int)(0.9 * draws)], values.Count(v => v >= target) / (double)draws);
    }

    public async Task StoreAsync(Outlook outlook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outlook);
        string F(decimal d) => d.ToString(CultureInfo.InvariantCulture);
        var row = new TabSeparatedRows().Row(municipality.Id, DateOnly.ParseExact(outlook.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture), outlook.Year,
            F(outlook.Expected), F(outlook.Low), F(outlook.High), F(outlook.ProbabilityOfTarget), F(outlook.ReportedSoFarKr), F(outlook.ForecastRestKr), F(outlook.EstimatedStoresKr),
            time.GetUtcNow().ToUnixTimeMilliseconds());
        await storage.Database.InsertAsync("municipality_outlooks", ["municipality", "run_date", "year", "expected", "low", "high", "probability_target", "reported_so_far_kr", "forecast_rest_kr", "estimated_stores_kr", "version"],
            row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outlook?> LatestAsync(int year, CancellationToken cancellationToken = default)
    {
        var rows = await storage.Database.QueryAsync<Stored>(
            $"""
            SELECT toString(run_date) AS RunDate, expected AS Expected, low AS Low, high AS High, probability_target AS ProbabilityOfTarget,
                   reported_so_far_kr AS ReportedSoFarKr, forecast_rest_kr AS ForecastRestKr, estimated_stores_kr AS EstimatedStoresKr
            FROM municipality_outlooks FINAL WHERE municipality = {SqlLiteral.Text(municipality.Id)} AND year = {SqlLiteral.Number(year)} ORDER BY run_date DESC LIMIT 1
            """, cancellationToken).ConfigureAwait(false);
        return rows is [var r]
            ? new Outlook(year, r.RunDate, (decimal)r.Expected, (decimal)r.Low, (decimal)r.High, (decimal)r.ProbabilityOfTarget,
                (decimal)r.ReportedSoFarKr, (decimal)r.ForecastRestKr, (decimal)r.EstimatedStoresKr, "Från veckans körning.")
            : null;
    }

    private static decimal Round(double value) => Math.Round((decimal)value, 1);
}
