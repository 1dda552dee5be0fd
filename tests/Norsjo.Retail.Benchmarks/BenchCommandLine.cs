using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using Norsjo.Retail.Hub.Forecasting;

namespace Norsjo.Retail.Benchmarks;

/// <summary>Which of the agent's figures <c>./norsjo bench agent</c> measures.</summary>
public enum AgentFigures
{
    All,
    Burst,
    BurstNative,
    Idle,
    Startup,
}

/// <summary>
/// Comma-separated numbers as typed, e.g. <c>--stores 30,300</c>, each once, smallest first. Not a collection on purpose:
/// help shows a collection's default as <c>30|300</c>, which reads as a choice; it shows this one by <see cref="ToString"/>.
/// </summary>
public sealed class NumberList(IEnumerable<int> values)
{
    public IReadOnlyList<int> Values { get; } = [.. values.Distinct().Order()];

    public override string ToString() => string.Join(',', Values);
}

/// <param name="Command">The command line that reproduces the figures (<see cref="BenchCommandLine.Reproduce"/>).</param>
public sealed record QuerySettings(IReadOnlyList<int> Stores, IReadOnlyList<int> Years, int Runs, int Municipalities, string? Only, string? Data, string Command);

/// <param name="Command">The command line that reproduces the figures (<see cref="BenchCommandLine.Reproduce"/>).</param>
public sealed record ForecastRunSettings(IReadOnlyList<int> Stores, IReadOnlyList<int> MaxTrainingRows, string Command);

/// <param name="Command">The command line that reproduces the figures (<see cref="BenchCommandLine.Reproduce"/>).</param>
public sealed record ForecastBacktestSettings(
    string Csv, int Horizon, int Origins, int BandOrigins, IReadOnlyList<ForecastTrainer> Trainers, int MaxTrainingRows, int MaxSeries,
    DailySeriesCsvOptions Reading, bool CalibrateBands, int CutOffs, bool PerSeries, string Command);

/// <summary>
/// <c>./norsjo bench …</c>: every benchmark's options, typed, described and with their defaults in <c>--help</c>. A command
/// line the parser does not take whole (an unknown option or word, a missing or bad value) is refused with one line and
/// exit code 2 before a benchmark starts, so a typo cannot quietly run the default for an hour.
/// </summary>
public static class BenchCommandLine
{
    /// <summary>How the user calls it: the usage line and every reproduce line start with it, not with the assembly's name.</summary>
    public const string Name = "./norsjo bench";

    /// <summary>The exit code of a refused command line (as the hand-written usage before it).</summary>
    public const int Refused = 2;

    private static readonly Dictionary<string, ForecastTrainer[]> Trainers = new(StringComparer.Ordinal)
    {
        ["fasttree"] = [ForecastTrainer.FastTree],
        ["lightgbm"] = [ForecastTrainer.LightGbm],
        ["both"] = [ForecastTrainer.FastTree, ForecastTrainer.LightGbm],
    };

    private static readonly Dictionary<string, CsvDuplicateDays> Duplicates = new(StringComparer.Ordinal)
    {
        ["sum"] = CsvDuplicateDays.Sum,
        ["refuse"] = CsvDuplicateDays.Refuse,
    };

    private static readonly Dictionary<string, bool> Bands = new(StringComparer.Ordinal)
    {
        ["calibrated"] = true,
        ["nominal"] = false,
    };

    /// <summary>Parses without running anything: what the tests and <see cref="RunAsync"/> start from.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args) => Create().Parse(args);

    /// <summary>Parses <paramref name="args"/> and runs the benchmark they name, or prints help, or refuses them (<see cref="Refused"/>).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null)
    {
        var parsed = Parse(args);
        error ??= Console.Error;
        if (parsed.Action is ParseErrorAction)
        {
            error.WriteLine(Refusal(parsed));
            return Task.FromResult(Refused);
        }

        return parsed.InvokeAsync(new InvocationConfiguration { Output = output ?? Console.Out, Error = error });
    }

    /// <summary>
    /// The command line that reproduces a run: the benchmark's words, then every option of its command that has a value,
    /// given or by default, in the order <c>--help</c> lists them (so a default changed later still shows what ran),
    /// and the flags that were given.
    /// </summary>
    public static string Reproduce(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var line = new StringBuilder(Name);
        foreach (var word in CommandWords(parsed))
        {
            line.Append(' ').Append(word);
        }

        foreach (var option in parsed.CommandResult.Command.Options.Where(o => o is not HelpOption and not VersionOption))
        {
            var value = parsed.GetResult(option) is OptionResult given ? given.GetValueOrDefault<object?>() : option.HasDefaultValue ? option.GetDefaultValue() : null;
            var text = value switch
            {
                true => string.Empty,
                null or false => null,
                NumberList numbers => numbers.ToString(),
                int number => number.ToString(CultureInfo.InvariantCulture),
                string s => Quoted(s),
                _ => throw new NotSupportedException($"{option.Name}: no reproduce form for {value.GetType().Name}"),
            };
            if (text is not null)
            {
                line.Append(' ').Append(option.Name).Append(text.Length > 0 ? " " + text : string.Empty);
            }
        }

        return line.ToString();
    }

    private static RootCommand Create()
    {
        var root = new RootCommand("Benchmarks, not tests: figures printed with the command line that reproduces them. Machines are shared and noisy: compare figures from one run, not across runs.")
        {
            HelpName = Name,
        };
        root.Add(Agent());
        root.Add(Queries());
        root.Add(Forecasts());
        root.Add(Forecast());
        var ingest = new Command("ingest", "Receipts per second from simulated agents through gRPC into ClickHouse, beside clickhouse-client inserting the same rows.");
        ingest.SetAction((parsed, _) => IngestBenchmark.RunAsync(Reproduce(parsed)));
        root.Add(ingest);
        return root;
    }

    private static Command Agent()
    {
        var agent = new Command("agent", "The agent's figures: idle memory and CPU, enqueue rate, draining a busy week to a hub, resident memory under a burst of exports.");
        var burst = new Command("burst", "The burst of exports alone.");
        var native = new Command("native", "The burst on the native builds alone (quicker while tuning them).");
        var idle = new Command("idle", "The idle memory alone, twice per build in turn (quicker while tuning memory).");
        var startup = new Command("startup", "A trace of each build's start-up up to its first upload.");
        foreach (var (command, figures) in new[] { (agent, AgentFigures.All), (burst, AgentFigures.Burst), (native, AgentFigures.BurstNative), (idle, AgentFigures.Idle), (startup, AgentFigures.Startup) })
        {
            command.SetAction((parsed, _) => AgentBenchmark.RunAsync(figures, Reproduce(parsed)));
        }

        burst.Add(native);
        agent.Add(burst);
        agent.Add(idle);
        agent.Add(startup);
        return agent;
    }

    private static Command Queries()
    {
        var stores = Numbers("--stores", "Store counts of the grid, comma-separated", 1, 30, 300, 3000);
        var years = Numbers("--years", "Years of data of the grid, comma-separated", 1, 1, 3, 10);
        var runs = Number("--runs", "Timed runs per call and grid point (after 3 warm-ups; a call past 10 s on a grid point stops at 5)", 1, 20);
        var municipalities = Number("--municipalities", "Municipalities on the hub: the one measured registers its share of the largest grid point's stores (1: every store)", 1, 1);
        var only = new Option<string>("--only") { Description = "Time only the calls whose name contains one of these, comma-separated", HelpName = "TEXT[,TEXT]" };
        var data = new Option<string>("--data") { Description = "Keep ClickHouse's data in this folder and reuse a grid point's generated rows and published months on the next run", HelpName = "DIR" };
        var command = new Command("queries", "Every dashboard API call over HTTP next to the same SQL by clickhouse-client, on a grid of years × stores.")
        {
            stores, years, runs, municipalities, only, data,
        };
        command.SetAction((parsed, _) => QueryBenchmark.RunAsync(new QuerySettings(
            parsed.GetRequiredValue(stores).Values, parsed.GetRequiredValue(years).Values, parsed.GetValue(runs), parsed.GetValue(municipalities),
            parsed.GetValue(only), parsed.GetValue(data), Reproduce(parsed))));
        return command;
    }

    private static Command Forecasts()
    {
        var stores = Numbers("--stores", "Store counts, comma-separated, each run with a hub and ClickHouse of its own, one after the other", 1, 30);
        var caps = Numbers("--max-training-rows", "Rows a model trains on at most, comma-separated (0: every row)", 0, DailyForecaster.DefaultMaxTrainingRows);
        var command = new Command("forecasts", "The nightly forecast run on three years of daily data: wall time, peak memory and the backtests' verdict.")
        {
            stores, caps,
        };
        command.SetAction((parsed, _) => ForecastBenchmark.RunAsync(new ForecastRunSettings(parsed.GetRequiredValue(stores).Values, parsed.GetRequiredValue(caps).Values, Reproduce(parsed))));
        return command;
    }

    private static Command Forecast()
    {
        var csv = new Option<string>("--csv")
        {
            Description = "The daily series: store,date,amount lines, or as tests/Norsjo.Retail.Benchmarks/README.md says the reader takes them",
            HelpName = "FILE",
            Required = true,
        };
        csv.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } path && !File.Exists(path))
            {
                r.AddError($"--csv: there is no file '{path}'");
            }
        });
        var horizon = Number("--horizon", "Days forecast from each origin", 1, DailyForecaster.DefaultHorizonDays);
        var origins = Number("--origins", $"Scored backtest origins, {DailyForecaster.OriginSpacing} days apart", 1, DailyForecaster.DefaultBacktestOrigins);
        var bandOrigins = Number("--band-origins", "Unscored origins before the scored ones, the history the choices and bands are made from (0: the scored origins' own alone; 2 until issue #17's eighth round)", 0, DailyForecaster.DefaultBandOrigins);
        var trainer = Choice("--trainer", "The model's trainer", Trainers.Keys, "fasttree");
        var cap = Number("--max-training-rows", "Rows a model trains on at most, sampled past it (0: every row)", 0, DailyForecaster.DefaultMaxTrainingRows);
        var maxSeries = Number("--max-series", "The first N series by name alone, so a slow trainer's run is still a fair side-by-side (0: every series)", 0, 0);
        var duplicates = Choice("--duplicates", "Several lines for one store and day: summed, or the file refused naming both lines", Duplicates.Keys, "sum");
        var storeColumn = Text("--store-column", "The store's column, where the header's names are not known ones");
        var dateColumn = Text("--date-column", "The date's column, where the header's names are not known ones");
        var amountColumn = Text("--amount-column", "The amount's column, where the header's names are not known ones");
        var seriesColumns = Text("--series-columns", "In a file with the date and one column per series: the start of the series columns' names (QTY_ where PROMO_ flags sit beside them); none: every column holding only amounts", "PREFIX");
        var dateFormat = Text("--date-format", "The dates' order where the file cannot tell it, e.g. d/M/yyyy", "FORMAT");
        var openColumn = Text("--open-column", "A column saying the shop was open that day (1/0, true/false, yes/no, ja/nej): a closed day is 0 with certainty, neither taught nor scored");
        var closedColumn = Text("--closed-column", "A column saying the shop was closed that day (1 = closed), as --open-column otherwise");
        var bands = Choice("--bands", "Each series' band at its calibrated level, or every band at 80 % as it is (the side-by-side of the calibration)", Bands.Keys, "calibrated");
        var cutOffs = Number("--cut-offs", "Runs of the whole backtest: on the file's end and K-1 earlier ends three months apart, then issue #17's targets at each", 1, 1, "K");
        var perSeries = new Option<bool>("--per-series") { Description = "Print each series' shown method, its MASE against its best simple rule's, and its coverage" };
        var command = new Command("forecast", "The forecaster's whole rolling-origin backtest on the daily series of a CSV file: MASE, WAPE and the 80 % bands' coverage per method, then issue #17's targets.")
        {
            csv, horizon, origins, bandOrigins, trainer, cap, maxSeries, duplicates, storeColumn, dateColumn, amountColumn, seriesColumns, dateFormat, openColumn, closedColumn, bands, cutOffs, perSeries,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(openColumn) is { Implicit: false } && r.GetResult(closedColumn) is { Implicit: false })
            {
                r.AddError("--open-column and --closed-column: name one of them, not both");
            }
        });
        command.SetAction((parsed, _) => ForecastBacktestBenchmark.RunAsync(new ForecastBacktestSettings(
            parsed.GetRequiredValue(csv), parsed.GetValue(horizon), parsed.GetValue(origins), parsed.GetValue(bandOrigins),
            Trainers[parsed.GetRequiredValue(trainer)], parsed.GetValue(cap), parsed.GetValue(maxSeries),
            new DailySeriesCsvOptions
            {
                Duplicates = Duplicates[parsed.GetRequiredValue(duplicates)],
                StoreColumn = parsed.GetValue(storeColumn),
                DateColumn = parsed.GetValue(dateColumn),
                AmountColumn = parsed.GetValue(amountColumn),
                SeriesColumns = parsed.GetValue(seriesColumns),
                DateFormat = parsed.GetValue(dateFormat),
                OpenColumn = parsed.GetValue(openColumn),
                ClosedColumn = parsed.GetValue(closedColumn),
            },
            Bands[parsed.GetRequiredValue(bands)], parsed.GetValue(cutOffs), parsed.GetValue(perSeries), Reproduce(parsed))));
        return command;
    }

    private static Option<int> Number(string name, string description, int least, int fallback, string helpName = "N") =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => fallback,
            CustomParser = r => WholeNumber(r, name, r.Tokens.Single().Value, least) ?? 0,
        };

    private static Option<NumberList> Numbers(string name, string description, int least, params int[] fallback)
    {
        return new Option<NumberList>(name)
        {
            Description = description,
            HelpName = "N[,N]",
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => new NumberList(fallback),
            CustomParser = r =>
            {
                var values = new List<int>();
                foreach (var part in r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    if (WholeNumber(r, name, part, least) is not { } value)
                    {
                        return null;
                    }

                    values.Add(value);
                }

                if (values.Count == 0)
                {
                    r.AddError($"{name} needs a value, e.g. {name} {string.Join(',', fallback)}");
                }

                return new NumberList(values);
            },
        };
    }

    /// <summary>The number in <paramref name="text"/>, or null with the option's error added to <paramref name="result"/>.</summary>
    private static int? WholeNumber(ArgumentResult result, string name, string text, int least)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name}: '{text}' is not a whole number");
            return null;
        }

        if (value < least)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} {value}: it is {least} or more"));
            return null;
        }

        return value;
    }

    private static Option<string> Choice(string name, string description, IEnumerable<string> choices, string fallback)
    {
        string[] known = [.. choices];
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', known),
            DefaultValueFactory = _ => fallback,
            CustomParser = r =>
            {
                var value = r.Tokens.Single().Value;
                if (!known.Contains(value, StringComparer.Ordinal))
                {
                    r.AddError($"{name}: '{value}' is not one of {string.Join(", ", known)}");
                }

                return value;
            },
        };
        option.CompletionSources.Add(known);
        return option;
    }

    private static Option<string> Text(string name, string description, string helpName = "NAME") =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>One line: the first thing the parser could not take, a near option's name for a typo, how many more, where to look.</summary>
    private static string Refusal(ParseResult parsed)
    {
        var command = string.Join(' ', new[] { Name }.Concat(CommandWords(parsed)));
        var first = parsed.Errors[0].Message.TrimEnd('.');
        var unknown = parsed.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-') && first.Contains($"'{t}'", StringComparison.Ordinal));
        var near = unknown is null ? null : parsed.CommandResult.Command.Options.Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Select(n => (Name: n, Distance: Distance(unknown, n))).Where(x => x.Distance <= 2).OrderBy(x => x.Distance).Select(x => x.Name).FirstOrDefault();
        var hint = near is null ? string.Empty : $" (did you mean {near}?)";
        var more = parsed.Errors.Count > 1 ? $" (and {parsed.Errors.Count - 1} more)" : string.Empty;
        return $"{command}: {first}{hint}{more}; see {command} --help";
    }

    /// <summary>Edits (insert, delete, replace) from one word to the other.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    /// <summary>The benchmark's words after <see cref="Name"/>, e.g. <c>agent burst native</c>.</summary>
    private static List<string> CommandWords(ParseResult parsed)
    {
        var words = new List<string>();
        for (var result = parsed.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            words.Insert(0, result.Command.Name);
        }

        return words;
    }

    /// <summary>The text as a POSIX shell takes it back: as it is when it has nothing the shell would read, else in single quotes.</summary>
    private static string Quoted(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "_-./,:=@%+".Contains(c, StringComparison.Ordinal))
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
