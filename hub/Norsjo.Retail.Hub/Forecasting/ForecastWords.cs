namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>The forecast methods in the words a shopkeeper uses: what the page says is shown.</summary>
public static class ForecastWords
{
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
}
