using Norsjo.Retail.Benchmarks;

// Usage: ./norsjo bench --help, and --help after each benchmark's name.
// Each figure is printed with the command that reproduces it. Machines are shared and noisy:
// compare figures from one run, not across runs.
return await BenchCommandLine.RunAsync(args);
