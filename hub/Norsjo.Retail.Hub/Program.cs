using Norsjo.Retail.Hub.Hosting;

// The hub: receives anonymised sales from store agents over gRPC (TLS) and keeps them in ClickHouse.
// Without a command it runs; HubCommandLine lists the administrative commands. Composition lives in
// HubApplication; each concern adds itself with an Add…/Map… extension.
return await HubCommandLine.RunAsync(args);
