namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>
/// One series' backtest runs, fixed once made (a copy: adding to the list they came from changes nothing
/// here), remembering the work its bands repeat: the error pools at a time and the level a band is drawn at.
/// Scoring a series asks for the same ones again and again (every candidate's band at every scored origin
/// replays every earlier origin's pools; a Christmas day's band and a calm day's share their level; the shown
/// method's score asks again what the candidates' did), and each is a function of these runs, the method, the
/// time and the switches alone, which is its key, so what is remembered is what would have been worked out.
/// Held by one series' scoring, on one thread (not shared between series: another series' runs are another history).
/// </summary>
internal sealed class BacktestHistory(IEnumerable<BacktestRun> runs) : IReadOnlyList<BacktestRun>
{
    private readonly BacktestRun[] runs = [.. runs];
    private readonly Dictionary<PoolKey, ErrorPools> pools = [];
    private readonly Dictionary<LevelKey, double> levels = [];
    private BacktestHistory? near;

    /// <summary>What <see cref="Backtest.Pools"/> is a function of, besides the runs.</summary>
    internal readonly record struct PoolKey(string Method, DateOnly At, bool WholeWindows, bool Normalised, bool Holidays, bool Rescaled);

    /// <summary>What the level of <see cref="Backtest.BandAt(IReadOnlyList{BacktestRun}, string, DateOnly, bool, bool, bool, bool, bool, bool, bool, bool, bool, bool)"/> is a function of, besides the runs (calibrated).</summary>
    internal readonly record struct LevelKey(string Method, DateOnly At, bool WholeWindows, bool Adaptive, bool Normalised, bool Holidays, bool EveryDay, bool Rescaled, bool NearLevel);

    public int Count => runs.Length;

    public BacktestRun this[int index] => runs[index];

    /// <summary>The runs without the further unscored windows (<see cref="ChoicePolicy.NearLevel"/>), a history of their own.</summary>
    public BacktestHistory Near => near ??= new BacktestHistory(runs.Where(r => !r.Further));

    public ErrorPools Remembered(PoolKey key, Func<ErrorPools> work) => pools.TryGetValue(key, out var known) ? known : pools[key] = work();

    public double Remembered(LevelKey key, Func<double> work) => levels.TryGetValue(key, out var known) ? known : levels[key] = work();

    public IEnumerator<BacktestRun> GetEnumerator() => ((IEnumerable<BacktestRun>)runs).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => runs.GetEnumerator();
}
