using Norsjo.Retail.Benchmarks;

// Usage: see Usage() below.
// Each figure is printed with the command that reproduces it. Machines are shared and noisy:
// compare figures from one run, not across runs.
return args switch
{
    ["agent", .. var options] => await AgentBenchmark.RunAsync(options),
    ["queries", .. var options] => await QueryBenchmark.RunAsync(options),
    ["forecasts", .. var options] => await ForecastBenchmark.RunAsync(options),
    ["forecast", .. var options] => await ForecastBacktestBenchmark.RunAsync(options),
    ["ingest", ..] => await IngestBenchmark.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("Usage: ./norsjo bench agent [burst [native]|idle|startup] | queries [--stores 30,300,3000] [--years 1,3,10] [--runs 20] [--municipalities N] [--only NAME,…] [--data DIR] | forecasts [--stores 30,300] | forecast --csv FILE [--trainer fasttree|lightgbm|both] [--cut-offs K] | ingest");
    return 2;
}
