namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>
/// A daily series: one value per day from <see cref="Start"/>. A day without data (not yet arrived, a
/// silent agent) is <see cref="double.NaN"/>: missing, never 0 kr. A day the shop is closed by its
/// opening hours is <see cref="ClosedOn"/>: 0 with certainty, neither a feature nor a forecast.
/// </summary>
public sealed record DailySeries(string Id, DateOnly Start, IReadOnlyList<double> Values)
{
    private DateOnly? lastKnown;
    private bool lastKnownFound;

    public DateOnly End => Start.AddDays(Values.Count - 1);

    /// <summary>The day's value; NaN where it is missing or outside the series.</summary>
    public double this[DateOnly day] => At(day);

    /// <summary>Days the shop is closed by the registry's opening hours (none, unless given).</summary>
    public Func<DateOnly, bool> ClosedOn { get; init; } = static _ => false;

    /// <summary>The last day with data: a series whose last days are missing is forecast from here, and says so.</summary>
    public DateOnly? LastKnown
    {
        get
        {
            if (!lastKnownFound)
            {
                var i = Values.Count - 1;
                while (i >= 0 && double.IsNaN(Values[i]))
                {
                    i--;
                }

                lastKnown = i < 0 ? null : Start.AddDays(i);
                lastKnownFound = true;
            }

            return lastKnown;
        }
    }

    /// <summary>Days at the end without data.</summary>
    public int MissingDays => LastKnown is { } known ? End.DayNumber - known.DayNumber : Values.Count;

    public double At(DateOnly day)
    {
        var i = day.DayNumber - Start.DayNumber;
        return i >= 0 && i < Values.Count ? Values[i] : double.NaN;
    }

    /// <summary>The day's value where it can teach or score a forecast: known and the shop open by its hours.</summary>
    public double Open(DateOnly day) => ClosedOn(day) ? double.NaN : At(day);
}

/// <summary>A day's forecast with its 80 % interval; a closed day is 0 with certainty (<see cref="Closed"/>).</summary>
public sealed record ForecastPoint(DateOnly Date, int Horizon, double Point, double Lower, double Upper, bool Closed = false);

/// <summary>How a method did in the backtests of one series: MASE, WAPE and the 80 % interval's coverage.</summary>
public sealed record Accuracy(double Mase, double Wape, double Coverage80)
{
    public static readonly Accuracy None = new(double.NaN, double.NaN, double.NaN);
}

/// <summary>
/// A series' forecast and the honesty behind it: the shown method and its backtest accuracy (each
/// origin scored with the method the other origins chose), the model's, and the best simple baseline's.
/// </summary>
public sealed record SeriesForecast(string SeriesId, string Method, Accuracy Model, Accuracy Baseline, IReadOnlyList<ForecastPoint> Points)
{
    /// <summary>The shown method's accuracy, chosen and scored on different backtest origins.</summary>
    public Accuracy Shown { get; init; } = Accuracy.None;

    /// <summary>What would have been shown, and its accuracy, under each way of choosing and banding the benchmark compares (empty unless asked for).</summary>
    public IReadOnlyDictionary<string, Accuracy> ShownUnder { get; init; } = new Dictionary<string, Accuracy>();

    /// <summary>Each scored window's coverage under each of those ways (the benchmark's diagnosis of the bands; empty unless asked for).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WindowScore>> ShownWindows { get; init; } = new Dictionary<string, IReadOnlyList<WindowScore>>();

    /// <summary>The simple rule that did best on this series' backtests (<see cref="Baseline"/> is its accuracy).</summary>
    public string BestBaseline { get; init; } = DailyForecaster.BaselineName;

    /// <summary>Every method's backtest accuracy, by name.</summary>
    public IReadOnlyDictionary<string, Accuracy> Methods { get; init; } = new Dictionary<string, Accuracy>();

    /// <summary>Days at the end of the series without data: the forecast starts after the last known day.</summary>
    public int MissingDays { get; init; }

    public bool UsesBaseline => DailyForecaster.Baselines.Contains(Method);
}
