using Norsjo.Retail.Benchmarks;

// Usage: Norsjo.Retail.Benchmarks agent | queries | forecasts | ingest
// Each figure is printed with the command that reproduces it. Machines are shared and noisy:
// compare figures from one run, not across runs.
return args switch
{
    ["agent", ..] => await AgentBenchmark.RunAsync(),
    ["queries", ..] => await QueryBenchmark.RunAsync(),
    ["forecasts", ..] => await ForecastBenchmark.RunAsync(),
    ["ingest", ..] => await IngestBenchmark.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("Usage: ./norsjo bench agent|queries|forecasts|ingest");
    return 2;
}
