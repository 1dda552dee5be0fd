using Norsjo.Retail.Agent.Hosting;

// The agent: runs beside a shop's till, reads its exports, anonymises them, keeps them safe on disk
// and hands them to the hub. Commands in AgentCommandLine; composition in AgentApplication.
return await AgentCommandLine.RunAsync(args);
