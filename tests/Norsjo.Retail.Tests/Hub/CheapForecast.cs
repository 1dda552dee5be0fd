namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The nightly forecast with a cheap backtest (two origins, 50 trees): tests of the job's path check what it
/// reads, stores and shows, not accuracy (that is DailyForecasterTests and the benchmark), in seconds instead of a minute.
/// </summary>
internal static class CheapForecast
{
    public static readonly string[] Args = ["--Forecast:BacktestOrigins=2", "--Forecast:Trees=50"];
}
