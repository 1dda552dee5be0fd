using Norsjo.Retail.Hub.Hosting;

// The hub: receives anonymised sales from store agents over gRPC and keeps them in ClickHouse.
// Composition lives in HubApplication; each concern adds itself with an Add…/Map… extension.
var app = HubApplication.Build(args);
await app.RunAsync();
