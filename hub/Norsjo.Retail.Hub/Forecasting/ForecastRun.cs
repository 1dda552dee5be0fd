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
/// <remarks>
/// Forecast:MaxTrainingRows in the configuration bounds the rows a model trains on (0: all; see <see cref="DailyForecaster"/>);
/// Forecast:BacktestOrigins and Forecast:Trees (6 and 200) let tests of the job's path run a cheaper backtest.
/// </remarks>
public sealed class ForecastRun(ClickHouseStorage storage, RegistryFacts facts, Tenancy.Municipality municipality, TimeProvider time, IConfiguration configuration)
{
    private sealed record DayValue(string Series, string Day, long GrossOre);

    public Task<string> RunAsync(CancellationToken cancellationToken = default) => RunAsync(progress: null, cancellationToken);

    /// <param name="progress">Told after each model is trained (<see cref="DailyForecaster.Forecast"/>), on the run's own thread.</param>
    public async Task<string> RunAsync(Action<ForecastProgress>? progress, CancellationToken cancellationToken = default)
    {
        var today = Api.ApiRequest.Today(time);
        var until = today.AddDays(-1);
        var from = until.AddYears(-3).AddDays(1);
        var registry = facts.Current;
        // Only this municipality's stores: another's sales never enter its series (nor the cost of reading them).
        var range = $"{SqlLiteral.StoreIn(registry.Stores.Select(s => s.Id))} AND sale_date BETWEEN {SqlLiteral.Date(from)} AND {SqlLiteral.Date(until)}";
        var rows = await storage.Database.QueryAsync<DayValue>(
            $"""
            SELECT concat('store:', store_id) AS Series, toString(sale_date) AS Day, sum(gross_ore) AS GrossOre FROM sales_daily FINAL WHERE {range} GROUP BY Series, Day
            UNION ALL
            SELECT concat('store:', store_id, ':', category) AS Series, toString(sale_date) AS Day, sum(gross_ore) AS GrossOre FROM sales_daily FINAL WHERE {range} GROUP BY Series, Day
            """, cancellationToken).ConfigureAwait(false);
        var stores = registry.Stores.ToDictionary(s => s.Id, StringComparer.Ordinal);
        // A store's day is known when the store reported anything that day: a category it sold nothing of is then 0, not missing.
        var storeDays = rows.Where(r => r.Series.Count(c => c == ':') == 1).Select(r => (r.Series, r.Day)).ToHashSet();
        var series = rows
            .GroupBy(r => r.Series)
            .Select(g => (Group: g, Store: stores.GetValueOrDefault(g.Key.Split(':')[1])))
            .Where(x => x.Store is not null)
            .Select(x =>
            {
                // A day without rows is missing (not yet arrived, a silent agent), not 0 kr; a day the
                // registry's opening hours close is 0 with certainty, neither learned from nor forecast.
                var byDay = x.Group.ToDictionary(r => DateOnly.ParseExact(r.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), r => r.GrossOre / 100.0);
                var start = byDay.Keys.Min();
                var hours = x.Store?.Hours;
                var store = "store:" + x.Store!.Id;
                double ValueOn(DateOnly day) => byDay.TryGetValue(day, out var v) ? v
                    : store != x.Group.Key && storeDays.Contains((store, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))) ? 0
                    : double.NaN;
                return new DailySeries(x.Group.Key, start, [.. Enumerable.Range(0, until.DayNumber - start.DayNumber + 1).Select(i => ValueOn(start.AddDays(i)))])
                {
                    ClosedOn = hours is null ? static _ => false : day => ClosedAllDay(hours, day),
                };
            })
            .ToList();
        if (Municipality(municipality.ForecastSeries, rows.Where(r => r.Series.Count(c => c == ':') == 1).ToList(), stores, until) is { } total)
        {
            series.Add(total);
        }

        var maxTrainingRows = configuration.GetValue("Forecast:MaxTrainingRows", DailyForecaster.DefaultMaxTrainingRows);
        var forecaster = new DailyForecaster(
            backtestOrigins: configuration.GetValue("Forecast:BacktestOrigins", DailyForecaster.DefaultBacktestOrigins), maxTrainingRows: maxTrainingRows, trees: configuration.GetValue("Forecast:Trees", DailyForecaster.DefaultTrees),
            bandOrigins: configuration.GetValue("Forecast:BandOrigins", DailyForecaster.DefaultBandOrigins));
        var forecasts = forecaster.Forecast(series, progress);
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

            // The metrics row names what is shown and the best simple rule it was measured against
            // ("shown vs rule"); its model_* columns hold the shown process's cross-fitted accuracy (each origin's
            // choice made before it), method_* the shown method's own, baseline_* the rule's own, on the same days.
            var own = f.Methods.GetValueOrDefault(f.Method) ?? Accuracy.None;
            metrics.Row(runId, today, f.SeriesId, f.Method + MethodSeparator + f.BestBaseline, DailyForecaster.FeatureVersion,
                Number(f.Shown.Mase), Number(f.Shown.Wape), Number(f.Shown.Coverage80), Number(f.Baseline.Mase), Number(f.Baseline.Wape), Number(f.Baseline.Coverage80),
                Number(own.Mase), Number(own.Wape), Number(own.Coverage80), version);
        }

        await storage.Database.InsertAsync("forecast_points", ["run_id", "run_date", "series", "method", "feature_version", "target_date", "horizon", "point", "lower", "upper", "version"], points, cancellationToken).ConfigureAwait(false);
        await storage.Database.InsertAsync("forecast_metrics", ["run_id", "run_date", "series", "method", "feature_version", "model_mase", "model_wape", "model_coverage80",
            "baseline_mase", "baseline_wape", "baseline_coverage80", "method_mase", "method_wape", "method_coverage80", "version"], metrics, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>Between the shown method and the best simple rule in a stored <c>method</c> ("fasttree-global vs median-4-weekdays").</summary>
    public const string MethodSeparator = " vs ";

    /// <summary>
    /// The municipality's total: the sum of every store's day, known only when every store expected that
    /// day reported it. A store is expected on a day its hours keep open when it reported one of the four
    /// same weekdays before: a late or silent agent makes the total's day missing instead of a fall in
    /// sales, and a store gone for four weeks is no longer waited for.
    /// </summary>
    private static DailySeries? Municipality(string seriesId, List<DayValue> storeRows, Dictionary<string, Store> stores, DateOnly until)
    {
        if (storeRows.Count == 0)
        {
            return null;
        }

        var byStore = storeRows.GroupBy(r => r.Series[("store:".Length)..])
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => DateOnly.ParseExact(r.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), r => r.GrossOre / 100.0));
        var start = byStore.Values.Min(d => d.Keys.Min());
        double ValueOn(DateOnly day)
        {
            double sum = 0;
            var known = false;
            foreach (var (id, days) in byStore)
            {
                if (days.TryGetValue(day, out var v))
                {
                    sum += v;
                    known = true;
                }
                else if (Enumerable.Range(1, 4).Any(k => days.ContainsKey(day.AddDays(-7 * k)))
                    && !(stores.GetValueOrDefault(id) is { } registered && ClosedAllDay(registered.Hours, day)))
                {
                    return double.NaN;
                }
            }

            return known ? sum : double.NaN;
        }

        return new DailySeries(seriesId, start, [.. Enumerable.Range(0, until.DayNumber - start.DayNumber + 1).Select(i => ValueOn(start.AddDays(i)))]);
    }

    /// <summary>
    /// A series' latest forecast. <see cref="Model"/> is the shown process's backtest accuracy (each origin scored with
    /// the method chosen before it), <see cref="MethodAccuracy"/> the shown method's own, <see cref="Baseline"/> the
    /// best simple rule's own, on the same days; <see cref="WonBy"/> how much smaller the shown method's own error
    /// (WAPE) was than the rule's (<see cref="ForecastWords.Reduction"/>; the figure the note prints).
    /// A point with <see cref="ForecastPoint.Closed"/> is a day the shop is closed: 0 with certainty, no forecast.
    /// </summary>
    public sealed record ForecastView(string Series, string? RunId, string? Method, string Note, Accuracy? Model, Accuracy? Baseline, IReadOnlyList<ForecastPoint> Points)
    {
        /// <summary>What is shown, in Swedish.</summary>
        public string? MethodText { get; init; }

        public string? BestBaseline { get; init; }

        /// <summary>The shown method's own backtest accuracy: each scored origin forecast by that method (the note's figures).</summary>
        public Accuracy? MethodAccuracy { get; init; }

        public double? WonBy { get; init; }

        /// <summary>Days before the run whose sales had not arrived: the forecast starts after the last known day.</summary>
        public int MissingDays { get; init; }

        /// <summary>ISO weekdays (Monday 1 … Sunday 7) the store's opening hours keep closed: "stängt" in history and forecast alike.</summary>
        public IReadOnlyList<int> ClosedWeekdays { get; init; } = [];
    }

    private sealed record PointRow(string RunId, string RunDate, string Method, string TargetDate, int Horizon, double Point, double Lower, double Upper);

    /// <summary>The run's figures of a series; null where ClickHouse read a nan (no backtest: a series too young, or a row from before method_* was kept).</summary>
    private sealed record MetricRow(string Method, double? ModelMase, double? ModelWape, double? ModelCoverage80, double? BaselineMase, double? BaselineWape, double? BaselineCoverage80, double? MethodMase, double? MethodWape, double? MethodCoverage80);

    private static Accuracy? Tried(double? mase, double? wape, double? coverage80) =>
        mase is { } m && wape is { } w && coverage80 is { } c && double.IsFinite(m) && double.IsFinite(w) && double.IsFinite(c) ? new Accuracy(m, w, c) : null;

    /// <summary>The latest run's forecast of a series, with the backtests and, in Swedish, what is shown and why.</summary>
    public async Task<ForecastView> LatestAsync(string series, CancellationToken cancellationToken = default)
    {
        var points = await storage.Database.QueryAsync<PointRow>(
            $"""
            SELECT run_id AS RunId, toString(run_date) AS RunDate, method AS Method, toString(target_date) AS TargetDate, toInt32(horizon) AS Horizon, point AS Point, lower AS Lower, upper AS Upper
            FROM forecast_points FINAL
            WHERE series = {SqlLiteral.Text(series)} AND run_date = (SELECT max(run_date) FROM forecast_points WHERE series = {SqlLiteral.Text(series)})
            ORDER BY target_date
            """, cancellationToken).ConfigureAwait(false);
        if (points.Count == 0)
        {
            return new ForecastView(series, null, null, "Ingen prognos ännu: den görs varje natt när det finns minst 20 veckors data.", null, null, []) { ClosedWeekdays = ClosedWeekdaysOf(series) };
        }

        var metrics = (await storage.Database.QueryAsync<MetricRow>(
            $"""
            SELECT method AS Method, model_mase AS ModelMase, model_wape AS ModelWape, model_coverage80 AS ModelCoverage80,
                   baseline_mase AS BaselineMase, baseline_wape AS BaselineWape, baseline_coverage80 AS BaselineCoverage80,
                   method_mase AS MethodMase, method_wape AS MethodWape, method_coverage80 AS MethodCoverage80
            FROM forecast_metrics FINAL WHERE series = {SqlLiteral.Text(series)} AND run_id = {SqlLiteral.Text(points[0].RunId)}
            """, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        var method = points[0].Method;
        var bestBaseline = metrics?.Method.Split(MethodSeparator) is [_, var rule] ? rule : DailyForecaster.BaselineName;
        var shown = metrics is null ? null : Tried(metrics.ModelMase, metrics.ModelWape, metrics.ModelCoverage80);
        var baseline = metrics is null ? null : Tried(metrics.BaselineMase, metrics.BaselineWape, metrics.BaselineCoverage80);
        var own = metrics is null ? null : Tried(metrics.MethodMase, metrics.MethodWape, metrics.MethodCoverage80);
        var firstDay = DateOnly.ParseExact(points[0].TargetDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var runDate = DateOnly.ParseExact(points[0].RunDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var missing = Math.Max(0, runDate.DayNumber - firstDay.DayNumber);
        // Whose earlier weeks the backtest was run on: the municipality's total is no shop's.
        var whose = series == municipality.ForecastSeries ? "kommunens" : "butikens";
        var note = ForecastWords.Tried(method, bestBaseline, own, baseline, whose);
        // A series never tried has its band from the other series' errors (DailyForecaster.WithoutBacktest).
        note += shown is null
            ? " Det skuggade bandet är ett 80 %-intervall byggt på hur prognoserna för andra serier träffade, tills den egna historiken räcker för att prova. Stängda dagar visas som stängt."
            : " Det skuggade bandet är ett 80 %-intervall: där hamnade 8 av 10 dagar när vi provade. Stängda dagar visas som stängt.";
        if (missing > 0)
        {
            note += missing == 1
                ? " Gårdagens försäljning har inte kommit in ännu; prognosen utgår från dagen före."
                : $" De senaste {missing} dagarnas försäljning har inte kommit in ännu; prognosen utgår från den {firstDay.AddDays(-1):d MMMM}.";
        }

        return new ForecastView(series, points[0].RunId, method, note, shown, baseline,
            // A closed day is stored as 0 with a 0-wide band; an open day's band is never 0 wide.
            [.. points.Select(p => new ForecastPoint(DateOnly.ParseExact(p.TargetDate, "yyyy-MM-dd", CultureInfo.InvariantCulture), p.Horizon, p.Point, p.Lower, p.Upper, Closed: p.Upper <= 0))])
        {
            MethodText = ForecastWords.Method(method),
            BestBaseline = bestBaseline,
            MethodAccuracy = own,
            WonBy = ForecastWords.Reduction(own, baseline),
            MissingDays = missing,
            ClosedWeekdays = ClosedWeekdaysOf(series),
        };
    }

    private IReadOnlyList<int> ClosedWeekdaysOf(string series) =>
        series.Split(':') is ["store", var id] && facts.Current.Find(id) is { } store
            ? [.. Enum.GetValues<DayOfWeek>().Where(d => ClosedAllDay(store.Hours, d)).Select(d => d == DayOfWeek.Sunday ? 7 : (int)d).Order()]
            : [];

    private static bool ClosedAllDay(OpeningHours hours, DateOnly day) => ClosedAllDay(hours, day.DayOfWeek);

    private static bool ClosedAllDay(OpeningHours hours, DayOfWeek day) =>
        !hours.Days.TryGetValue(day, out var intervals) || intervals.Count == 0;

    /// <summary>Floats for TabSeparated: invariant, and NaN (no backtest) as ClickHouse writes it.</summary>
    private static string Number(double value) => double.IsNaN(value) ? "nan" : Math.Round(value, 4).ToString("R", CultureInfo.InvariantCulture);
}
