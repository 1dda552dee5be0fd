using Norsjo.Retail.Agent.Hosting;

// The agent: runs beside a shop's till, reads its exports, anonymises them, keeps them safe on disk
// and hands them to the hub. Composition lives in AgentApplication.
using var host = AgentApplication.Build(args);
await host.RunAsync();
