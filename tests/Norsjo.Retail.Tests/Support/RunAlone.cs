namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// Tests that measure time (the pages' first render, the fault tests' deadlines) and the demo fixture
/// they share. `./norsjo test` runs the others as two processes at once and these in a third, which
/// starts with them (the demo's two minutes of history overlap theirs) but holds its tests until both
/// have finished (<see cref="WaitForOthersAsync"/>), so no timing is taken under another process's load.
/// </summary>
public static class RunAlone
{
    /// <summary>The trait: [Trait(RunAlone.Trait, RunAlone.Value)], selected by --filter "Run=Alone".</summary>
    public const string Trait = "Run";

    public const string Value = "Alone";

    /// <summary>A file that ./norsjo test creates once the other test processes have exited; unset in a plain `dotnet test`.</summary>
    public const string AfterVariable = "NORSJO_RUN_ALONE_AFTER";

    /// <summary>Returns at once unless ./norsjo test said to wait; then when the others are done (a file appears, not a guessed pause).</summary>
    public static async Task WaitForOthersAsync()
    {
        if (Environment.GetEnvironmentVariable(AfterVariable) is not { Length: > 0 } done || File.Exists(done))
        {
            return;
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(() => File.Exists(done), "the other test processes finished (" + done + ")", TimeSpan.FromMinutes(45));
        FixtureTimes.Record("RunAlone", "waited for the other processes", waited.Elapsed);
    }
}
