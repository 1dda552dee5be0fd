using Norsjo.Retail.Benchmarks;

// Usage: Norsjo.Retail.Benchmarks agent
// Each figure is printed with the command that reproduces it. Machines are shared and noisy:
// compare figures from one run, not across runs.
return args switch
{
    ["agent", ..] => await AgentBenchmark.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("Usage: ./norsjo bench agent");
    return 2;
}
