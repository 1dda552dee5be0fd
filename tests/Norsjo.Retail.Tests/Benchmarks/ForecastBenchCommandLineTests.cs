using Norsjo.Retail.Benchmarks;
using Norsjo.Retail.Hub.Forecasting;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Benchmarks;

/// <summary>
/// <c>./norsjo bench forecast</c>'s command line, parsed in this process: what it refuses (with exit code 2, before the file
/// is read), its help, and the reproduce line each run prints. The hand-written parser before it ignored a typo such as
/// <c>--cut-off 4</c> and ran the default backtest, and threw a stack trace at a bad number.
/// </summary>
[Collection(CapturedConsole.Collection)]
public sealed class ForecastBenchCommandLineTests : IDisposable
{
    private readonly TempFolder folder = new("bench-cli");
    private readonly string csv;

    public ForecastBenchCommandLineTests()
    {
        csv = Path.Combine(folder.Path, "tiny.csv");
        File.WriteAllText(csv, "store,date,amount\nbutik-a,2025-01-01,100\n");
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task An_unknown_option_is_refused_with_exit_code_2_and_named_with_the_option_it_is_near()
    {
        var (code, _, error) = await RunAsync("forecast", "--csv", csv, "--cut-off", "4");

        Assert.Equal(2, code);
        Assert.Contains("'--cut-off'", error, StringComparison.Ordinal);
        Assert.Contains("did you mean --cut-offs?", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task An_unknown_trainer_is_refused_with_exit_code_2()
    {
        var (code, _, error) = await RunAsync("forecast", "--csv", csv, "--trainer", "fastree");

        Assert.Equal(2, code);
        Assert.Contains("--trainer: 'fastree' is not one of fasttree, lightgbm, both", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("--cut-offs", "0")]
    [InlineData("--cut-offs", "-1")]
    [InlineData("--horizon", "abc")]
    [InlineData("--origins", "0")]
    [InlineData("--max-series", "-3")]
    public async Task A_bad_number_is_refused_with_exit_code_2(string option, string value)
    {
        var (code, _, error) = await RunAsync("forecast", "--csv", csv, option, value);

        Assert.Equal(2, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task An_option_without_its_value_is_refused_with_exit_code_2()
    {
        var (code, _, error) = await RunAsync("forecast", "--csv", csv, "--cut-offs");

        Assert.Equal(2, code);
        Assert.Contains("'--cut-offs'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_exits_0_and_lists_the_options_with_their_defaults_under_the_name_the_user_types()
    {
        var (code, output, _) = await RunAsync("forecast", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--csv <FILE>", output, StringComparison.Ordinal);
        Assert.Contains("./norsjo bench forecast [options]", output, StringComparison.Ordinal);
        Assert.Contains($"[default: {DailyForecaster.DefaultHorizonDays}]", output, StringComparison.Ordinal);
        Assert.Contains("--trainer <fasttree|lightgbm|both>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_file_that_is_not_there_is_refused_by_name_before_anything_runs()
    {
        var missing = Path.Combine(folder.Path, "nowhere.csv");

        var (code, output, error) = await RunAsync("forecast", "--csv", missing);

        Assert.NotEqual(0, code);
        Assert.Contains($"--csv: there is no file '{missing}'", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task A_file_the_reader_refuses_is_its_one_line_message_not_a_stack_trace()
    {
        var bad = Path.Combine(folder.Path, "bad.csv");
        await File.WriteAllTextAsync(bad, "store,date,amount\nbutik-a,2025-01-01,lots\n");
        using var console = new CapturedConsole();

        var code = await BenchCommandLine.RunAsync(["forecast", "--csv", bad]);

        Assert.Equal(1, code);
        Assert.Equal($"{bad} line 2: 'lots' is not an amount", console.Error.TrimEnd());
        Assert.Empty(console.Output);
    }

    /// <summary>
    /// A file's figures say which series they leave out and why, and a file with nothing to backtest says so (a 120-day
    /// file threw "Sequence contains no elements"; a never-sold series' MASE of 0 for every rule was counted in the medians).
    /// </summary>
    [Fact]
    public async Task Series_left_out_of_the_figures_are_named_with_why_and_a_file_with_none_to_backtest_says_so()
    {
        var start = new DateOnly(2025, 1, 6);
        string Lines(string id, int days, Func<int, double> value) =>
            string.Concat(Enumerable.Range(0, days).Select(i => FormattableString.Invariant($"{id},{start.AddDays(i):yyyy-MM-dd},{value(i)}\n")));
        var random = new Random(3);
        var mixed = Path.Combine(folder.Path, "mixed.csv");
        await File.WriteAllTextAsync(mixed, "store,date,amount\n" + Lines("shop", 300, i => 100 + (i % 7 * 10) + random.Next(10)) + Lines("young", 40, _ => 50) + Lines("never-sold", 300, _ => 0));
        var young = Path.Combine(folder.Path, "young.csv");
        await File.WriteAllTextAsync(young, "store,date,amount\n" + Lines("young", 40, i => 50 + (i % 3)));
        string[] quick = ["--horizon", "14", "--origins", "2", "--band-origins", "2"];

        int code, none;
        string output, error;
        using (var console = new CapturedConsole())
        {
            code = await BenchCommandLine.RunAsync(["forecast", "--csv", mixed, .. quick]);
            output = console.Output;
        }

        using (var console = new CapturedConsole())
        {
            none = await BenchCommandLine.RunAsync(["forecast", "--csv", young, .. quick]);
            error = console.Error;
        }

        Assert.Equal(0, code);
        Assert.Contains("1 series with backtests", output, StringComparison.Ordinal);
        Assert.Contains("left out of the figures: 1 series shorter than the 56 days a backtest needs: young", output, StringComparison.Ordinal);
        Assert.Contains("left out of the figures: 1 series whose history never changes from week to week (MASE undefined): never-sold", output, StringComparison.Ordinal);
        Assert.Contains("target 1:", output, StringComparison.Ordinal);
        Assert.Equal(1, none);
        Assert.StartsWith("No series could be backtested: a backtest needs 56 days", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reproduce_line_is_what_a_user_would_type_with_every_default_that_ran()
    {
        var parsed = BenchCommandLine.Parse(["forecast", "--trainer", "both", "--csv", csv, "--cut-offs", "3", "--per-series", "--store-column", "shop name", "--date-format", "d/M/yyyy"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(
            $"./norsjo bench forecast --csv {csv} --horizon {DailyForecaster.DefaultHorizonDays} --origins {DailyForecaster.DefaultBacktestOrigins} " +
            $"--band-origins {DailyForecaster.DefaultBandOrigins} --trainer both --max-training-rows {DailyForecaster.DefaultMaxTrainingRows} --max-series 0 " +
            "--duplicates sum --store-column 'shop name' --date-format d/M/yyyy --bands calibrated --cut-offs 3 --per-series",
            BenchCommandLine.Reproduce(parsed));
    }

    [Fact]
    public void The_reproduce_line_parsed_again_gives_itself()
    {
        var first = BenchCommandLine.Reproduce(BenchCommandLine.Parse(["forecast", "--csv", csv, "--band-origins", "2", "--bands", "nominal"]));

        var words = first.Split(' ')[2..];
        var again = BenchCommandLine.Parse(words);

        Assert.Empty(again.Errors);
        Assert.Equal(first, BenchCommandLine.Reproduce(again));
    }

    [Fact]
    public void The_agent_s_words_are_subcommands_in_its_reproduce_line()
    {
        Assert.Equal("./norsjo bench agent burst native", BenchCommandLine.Reproduce(BenchCommandLine.Parse(["agent", "burst", "native"])));
        Assert.Equal("./norsjo bench queries --stores 30,300 --years 1,3,10 --runs 20 --municipalities 1 --only 'index, region'",
            BenchCommandLine.Reproduce(BenchCommandLine.Parse(["queries", "--stores", "300,30,30", "--only", "index, region"])));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BenchCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
