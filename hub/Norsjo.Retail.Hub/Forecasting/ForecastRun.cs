using System.Globalization;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>
/// The nightly forecast: every store's daily sales (total and per category) and the municipality's
/// total, 8 weeks ahead, with the backtest metrics that decide whether the model or the baseline is
/// shown. Series are named "store:{id}", "store:{id}:{category}" and "municipality". Results go to
/// ClickHouse under a run id; a run for the same day again replaces that day's rows (same keys).
/// </summary>
/// <remarks>Forecast:MaxTrainingRows in the configuration bounds the rows a model trains on (0: all; see <see cref="DailyForecaster"/>).</remarks>
public sealed class ForecastRun(ClickHouseStorage storage, StoreRegistry registry, TimeProvider time, IConfiguration configuration)
{
    private sealed record DayValue(string Series, string Day, long GrossOre);

    public async Task<string> RunAsync(CancellationToken cancellationToken = default)
    {
        var today = Api.ApiRequest.Today(time);
        var until = today.AddDays(-1);
        var from = until.AddYears(-3).AddDays(1);
        var range = $"sale_date BETWEEN {SqlLiteral.Date(from)} AND {SqlLiteral.Date(until)}";
        var rows = await storage.Database.QueryAsync<DayValue>(
            $"""
            SELECT concat('store:', store_id) AS Series, toString(sale_date) AS Day, sum(gross_ore) AS GrossOre FROM sales_daily FINAL WHERE {range} GROUP BY Series, Day
            UNION ALL
            SELECT concat('store:', store_id, ':', category) AS Series, toString(sale_date) AS Day, sum(gross_ore) AS GrossOre FROM sales_daily FINAL WHERE {range} GROUP BY Series, Day
            UNION ALL
            SELECT 'municipality' AS Series, toString(sale_date) AS Day, sum(gross_ore) AS GrossOre FROM sales_daily FINAL WHERE {range} GROUP BY Series, Day
            """, cancellationToken).ConfigureAwait(false);
        var known = registry.Stores.Select(s => "store:" + s.Id).ToHashSet(StringComparer.Ordinal);
        var series = rows
            .GroupBy(r => r.Series)
            .Where(g => g.Key == "municipality" || known.Contains(string.Join(':', g.Key.Split(':').Take(2))))
            .Select(g =>
            {
                var byDay = g.ToDictionary(r => DateOnly.ParseExact(r.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), r => r.GrossOre / 100.0);
                var start = byDay.Keys.Min();
                return new DailySeries(g.Key, start, [.. Enumerable.Range(0, until.DayNumber - start.DayNumber + 1).Select(i => byDay.GetValueOrDefault(start.AddDays(i)))]);
            })
            .ToList();

        var maxTrainingRows = configuration.GetValue("Forecast:MaxTrainingRows", DailyForecaster.DefaultMaxTrainingRows);
        var forecasts = new DailyForecaster(maxTrainingRows: maxTrainingRows).Forecast(series);
        var runId = $"{today:yyyyMMdd}-{Guid.NewGuid():N}"[..17];
        var version = time.GetUtcNow().ToUnixTimeMilliseconds();
        var points = new TabSeparatedRows();
        var metrics = new TabSeparatedRows();
        foreach (var f in forecasts)
        {
            foreach (var p in f.Points)
            {
                points.Row(runId, today, f.SeriesId, f.Method, DailyForecaster.FeatureVersion, p.Date, p.Horizon, Number(p.Point), Number(p.Lower), Number(p.Upper), version);
            }

            metrics.Row(runId, today, f.SeriesId, f.Method, DailyForecaster.FeatureVersion,
                Number(f.Model.Mase), Number(f.Model.Wape), Number(f.Model.Coverage80), Number(f.Baseline.Mase), Number(f.Baseline.Wape), Number(f.Baseline.Coverage80), version);
        }

        await storage.Database.InsertAsync("forecast_points", ["run_id", "run_date", "series", "method", "feature_version", "target_date", "horizon", "point", "lower", "upper", "version"], points, cancellationToken).ConfigureAwait(false);
        await storage.Database.InsertAsync("forecast_metrics", ["run_id", "run_date", "series", "method", "feature_version", "model_mase", "model_wape", "model_coverage80",
            "baseline_mase", "baseline_wape", "baseline_coverage80", "version"], metrics, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    public sealed record ForecastView(string Series, string? RunId, string? Method, string Note, Accuracy? Model, Accuracy? Baseline, IReadOnlyList<ForecastPoint> Points);

    private sealed record PointRow(string RunId, string Method, string TargetDate, int Horizon, double Point, double Lower, double Upper);

    private sealed record MetricRow(double ModelMase, double ModelWape, double ModelCoverage80, double BaselineMase, double BaselineWape, double BaselineCoverage80);

    /// <summary>The latest run's forecast of a series, with the backtests and, in Swedish, what is shown and why.</summary>
    public async Task<ForecastView> LatestAsync(string series, CancellationToken cancellationToken = default)
    {
        var points = await storage.Database.QueryAsync<PointRow>(
            $"""
            SELECT run_id AS RunId, method AS Method, toString(target_date) AS TargetDate, toInt32(horizon) AS Horizon, point AS Point, lower AS Lower, upper AS Upper
            FROM forecast_points FINAL
            WHERE series = {SqlLiteral.Text(series)} AND run_date = (SELECT max(run_date) FROM forecast_points WHERE series = {SqlLiteral.Text(series)})
            ORDER BY target_date
            """, cancellationToken).ConfigureAwait(false);
        if (points.Count == 0)
        {
            return new ForecastView(series, null, null, "Ingen prognos ännu: den görs varje natt när det finns minst 20 veckors data.", null, null, []);
        }

        var metrics = (await storage.Database.QueryAsync<MetricRow>(
            $"""
            SELECT model_mase AS ModelMase, model_wape AS ModelWape, model_coverage80 AS ModelCoverage80,
                   baseline_mase AS BaselineMase, baseline_wape AS BaselineWape, baseline_coverage80 AS BaselineCoverage80
            FROM forecast_metrics FINAL WHERE series = {SqlLiteral.Text(series)} AND run_id = {SqlLiteral.Text(points[0].RunId)}
            """, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        var method = points[0].Method;
        var note = method == DailyForecaster.BaselineName
            ? "Prognosen visar samma veckodag förra veckan: modellen slog inte den enkla gissningen i efterhandstesterna för den här serien."
            : "Prognosen kommer från modellen, som i efterhandstesterna slog \"samma veckodag förra veckan\". Bandet är ett 80 %-intervall.";
        return new ForecastView(series, points[0].RunId, method, note,
            metrics is null ? null : new Accuracy(metrics.ModelMase, metrics.ModelWape, metrics.ModelCoverage80),
            metrics is null ? null : new Accuracy(metrics.BaselineMase, metrics.BaselineWape, metrics.BaselineCoverage80),
            [.. points.Select(p => new ForecastPoint(DateOnly.ParseExact(p.TargetDate, "yyyy-MM-dd", CultureInfo.InvariantCulture), p.Horizon, p.Point, p.Lower, p.Upper))]);
    }

    /// <summary>Floats for TabSeparated: invariant, and NaN (no backtest) as ClickHouse writes it.</summary>
    private static string Number(double value) => double.IsNaN(value) ? "nan" : Math.Round(value, 4).ToString("R", CultureInfo.InvariantCulture);
}
