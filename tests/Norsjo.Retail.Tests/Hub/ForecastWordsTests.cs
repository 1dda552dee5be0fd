using System.Globalization;
using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// What the forecast's note says was tried (issue #17): the shown method by name, its own error on the
/// earlier weeks and the best simple rule's on the same days, and how much smaller the first was — figures
/// of the method named, never the shown process's (each origin's choice), which may be another method's.
/// </summary>
public sealed class ForecastWordsTests
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    private static string Percent(double share, int decimals) => share.ToString("P" + decimals.ToString(CultureInfo.InvariantCulture), Swedish);

    [Fact]
    public void The_model_shown_says_its_own_error_the_best_rules_and_the_reduction_between_them()
    {
        var own = new Accuracy(0.61, 0.056, 0.83);
        var rule = new Accuracy(0.69, 0.065, 0.82);
        var note = ForecastWords.Tried(DailyForecaster.ModelName, Baselines.MedianOfFour, own, rule, "butikens");

        Assert.StartsWith($"Prognosen visar {ForecastWords.Method(DailyForecaster.ModelName)}.", note, StringComparison.Ordinal);
        Assert.Contains($"missade den i genomsnitt {Percent(0.056, 1)} av försäljningen, mot {Percent(0.065, 1)} för den bästa enkla regeln ({ForecastWords.Method(Baselines.MedianOfFour)})", note, StringComparison.Ordinal);
        // The reduction is the one between the two figures printed: 1 − 0.056 / 0.065 = 13.8 %.
        Assert.Equal(1 - (0.056 / 0.065), ForecastWords.Reduction(own, rule)!.Value, 9);
        Assert.EndsWith($": {Percent(1 - (0.056 / 0.065), 0)} mindre.", note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_shown_says_its_own_error_not_the_shown_process_figure()
    {
        // The best rule is shown: its own error, and no claim of a win.
        var own = new Accuracy(0.70, 0.072, 0.81);
        var note = ForecastWords.Tried(Baselines.MeanOfFour, Baselines.MeanOfFour, own, own, "butikens");
        Assert.Equal(
            $"Prognosen visar {ForecastWords.Method(Baselines.MeanOfFour)}: inget annat slog den regeln när vi provade prognoser på butikens tidigare veckor, varje period förutsagd utan att se den. " +
            $"Där missade den i genomsnitt {Percent(0.072, 1)} av försäljningen.", note);

        // A rule shown that was not the best on the scored weeks (chosen on more weeks, or towards all shops): both figures, no win.
        var other = ForecastWords.Tried(Baselines.MeanOfFour, Baselines.MedianOfFour, own, new Accuracy(0.68, 0.070, 0.8), "kommunens");
        Assert.EndsWith($"mot {Percent(0.070, 1)} för den bästa enkla regeln ({ForecastWords.Method(Baselines.MedianOfFour)}): inte mindre.", other, StringComparison.Ordinal);
        Assert.Contains("kommunens tidigare veckor", other, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_not_yet_tried_says_so_instead_of_a_figure()
    {
        var note = ForecastWords.Tried(Baselines.MeanOfFour, Baselines.SeasonalNaive, null, null, "butikens");
        Assert.Equal($"Prognosen visar {ForecastWords.Method(Baselines.MeanOfFour)}. Den har ännu inte kunnat provas på butikens tidigare veckor.", note);
        Assert.Null(ForecastWords.Reduction(Accuracy.None, Accuracy.None));
    }
}
