using System.Globalization;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// Where the time outside the tests goes (fixtures starting and stopping, which the results file does not
/// count): one line per step in .test-results/fixture-times.tsv (fixture, step, seconds, process id).
/// </summary>
public static class FixtureTimes
{
    private static readonly Lock Gate = new();

    public static void Record(string fixture, string step, TimeSpan took)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Dashboards.DemoHubFixture.RepositoryRoot, ".test-results"));
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:HH:mm:ss}\t{fixture}\t{step}\t{took.TotalSeconds:0.0}\t{Environment.ProcessId}\n");
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(folder.FullName, "fixture-times.tsv"), line);
        }
    }

    /// <summary>Runs a step and records how long it took.</summary>
    public static async Task TimeAsync(string fixture, string step, Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await action();
        Record(fixture, step, clock.Elapsed);
    }
}
