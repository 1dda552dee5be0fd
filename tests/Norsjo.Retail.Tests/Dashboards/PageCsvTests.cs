using System.Diagnostics;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// The pages' CSV exports (dashboards/src/common/csv.ts) defuse formulas as the hub's CsvExport does:
/// the module itself, compiled with the pages' own TypeScript and run by Node.js (which the page
/// build needs anyway: `npm ci` in dashboards/, as `./norsjo test` does).
/// </summary>
public sealed class PageCsvTests
{
    [Fact]
    public async Task The_pages_csv_quotes_separators_and_neutralises_formulas_but_not_numbers()
    {
        var dashboards = Path.Combine(DemoHubFixture.RepositoryRoot, "dashboards");
        var tsc = Path.Combine(dashboards, "node_modules", ".bin", "tsc");
        Assert.True(File.Exists(tsc), $"{tsc} is missing: run `npm ci` in dashboards/ (./norsjo test does).");
        using var output = new TempFolder("page-csv");
        await RunAsync(tsc, dashboards, "--outDir", output.Path, "--module", "commonjs", "--target", "es2022", "--lib", "es2022,dom",
            "--skipLibCheck", "--types", "node", Path.Combine("src", "common", "csv.ts"));
        var script = $$"""
            const { toCsv } = require({{System.Text.Json.JsonSerializer.Serialize(Path.Combine(output.Path, "csv.js"))}});
            process.stdout.write(toCsv({ headers: ['ort', 'kr'], rows: [
              ['=HYPERLINK("http://example.invalid")', -5.5], ['Kusfors;9999;ja', 0], ['+46', 1234.5], ['-2+3', null], ['@SUM(A1)', 1], ['\tTAB', 2], ['\rCR', 3], ['Bjurträsk', 4],
            ] }));
            """;

        var csv = await RunAsync("node", dashboards, "-e", script);

        Assert.Equal(
            "ort;kr\r\n\"'=HYPERLINK(\"\"http://example.invalid\"\")\";-5,5\r\n\"Kusfors;9999;ja\";0\r\n\"'+46\";1234,5\r\n\"'-2+3\";\r\n" +
            "\"'@SUM(A1)\";1\r\n\"'\tTAB\";2\r\n\"'\rCR\";3\r\nBjurträsk;4\r\n",
            csv);
    }

    private static async Task<string> RunAsync(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed ({process.ExitCode}): {await stdout}{await stderr}");
        return await stdout;
    }
}
