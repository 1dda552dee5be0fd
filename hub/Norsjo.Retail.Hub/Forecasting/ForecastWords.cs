using System.Globalization;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>The forecast methods in the words a shopkeeper uses: what the page says is shown, and how it did when tried.</summary>
public static class ForecastWords
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    public static string Method(string method) => method switch
    {
        Baselines.SeasonalNaive => "samma veckodag förra veckan",
        Baselines.MeanOfFour => "snittet av de fyra senaste samma veckodagarna",
        Baselines.MedianOfFour => "mittvärdet av de fyra senaste samma veckodagarna",
        Baselines.YearAgoScaled => "samma dag i fjol, uppräknad till dagens nivå",
        _ when method.EndsWith("+" + Baselines.MeanOfFour, StringComparison.Ordinal) => "prognosmodellen vägd lika med snittet av de fyra senaste samma veckodagarna",
        _ when method.EndsWith("+" + Baselines.MedianOfFour, StringComparison.Ordinal) => "prognosmodellen vägd lika med mittvärdet av de fyra senaste samma veckodagarna",
        _ => "prognosmodellen (kalendern och butikens egen historik)",
    };

    /// <summary>
    /// How much smaller the shown method's own error was than the best simple rule's, on the same backtest
    /// days: 1 − its WAPE / the rule's (below 0: it missed more); null where either was not tried. The
    /// figure <see cref="Tried"/> prints.
    /// </summary>
    public static double? Reduction(Accuracy? own, Accuracy? rule) =>
        own is { Wape: var o } && rule is { Wape: var r } && double.IsFinite(o) && double.IsFinite(r) && r > 0 ? 1 - (o / r) : null;

    /// <summary>
    /// What is shown and how it did, in Swedish: the shown method's own error on the earlier weeks (its
    /// WAPE: each scored period forecast by that method from what was known before it), the best simple
    /// rule's on the same days, and how much smaller the first was (<see cref="Reduction"/>). Every figure is
    /// of the method named, so they agree with each other.
    /// </summary>
    /// <param name="whose">Whose earlier weeks it was tried on: "butikens" or "kommunens".</param>
    public static string Tried(string method, string bestRule, Accuracy? own, Accuracy? rule, string whose)
    {
        ArgumentNullException.ThrowIfNull(method);
        var shown = Method(method);
        if (Reduction(own, rule) is not { } reduction)
        {
            return $"Prognosen visar {shown}. Den har ännu inte kunnat provas på {whose} tidigare veckor.";
        }

        var missed = string.Create(Swedish, $"missade den i genomsnitt {own!.Wape:P1} av försäljningen");
        if (method == bestRule)
        {
            return $"Prognosen visar {shown}: inget annat slog den regeln när vi provade prognoser på {whose} tidigare veckor, varje period förutsagd utan att se den. Där {missed}.";
        }

        var against = string.Create(Swedish, $"Provad på {whose} tidigare veckor, varje period förutsagd utan att se den, {missed}, mot {rule!.Wape:P1} för den bästa enkla regeln ({Method(bestRule)})");
        return Math.Round(reduction, 2) > 0
            ? string.Create(Swedish, $"Prognosen visar {shown}. {against}: {reduction:P0} mindre.")
            : $"Prognosen visar {shown}. {against}: inte mindre.";
    }
}
