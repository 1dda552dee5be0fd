using System.Collections.Concurrent;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Norsjo.Retail.Agent.Heartbeat;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Security;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// Today's agent against a hub from before issue 21 (issue 21, "a new agent talks to an old hub"):
/// a gRPC server over loopback TLS that has Ingest.UploadBatch and nothing else — no ReportHealth, no
/// grpc.health.v1 — so both answer UNIMPLEMENTED, exactly as grpc-dotnet answers a method or service it
/// does not have. It reads the batch with today's message type and never looks at its health (field 7,
/// added later): an old hub's parser keeps that field as unknown bytes and ignores it (proto3's rule
/// for added fields), so what matters is what the agent does with the answers it gets.
/// </summary>
public sealed class NewAgentOldHubTests
{
    private const string StoreId = "butik-a";

    [Fact]
    public async Task Sales_go_on_to_a_hub_without_ReportHealth_and_the_agent_leaves_that_call_alone_for_a_while()
    {
        await using var hub = await OldHub.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var agent = await RunningAgent.StartWithAsync(services => services.AddSingleton(new HealthClock(clock)),
            hub.Url, hub.Certificate, StoreId, "old-hub-credential", null, "--Agent:HealthInterval=00:05:00");
        var reporter = agent.Services.GetServices<IHostedService>().OfType<HealthReporter>().Single();

        var first = agent.Drop("kassa-1.csv", ReceiptCsv.Write(DemoSales.Day(new DateOnly(2026, 10, 1), 30, 1, new Random(1))));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(first), "the agent delivered the first file to the old hub", () => hub.Describe());
        await Eventually.WaitUntilAsync(() => reporter.Beats >= 1 && hub.Calls("/norsjo.retail.v1.Ingest/ReportHealth") == 1,
            "the first heartbeat asked the old hub once", () => $"{reporter.Beats} beats; {hub.Describe()}; " + string.Join('\n', agent.Log.TakeLast(20)));
        Assert.Equal(30, hub.Receipts);
        Assert.True(hub.Calls("/grpc.health.v1.Health/Check") >= 1);

        // Three heartbeats on (a quarter of an hour): the hub is looked at each time, the call is not made again,
        // and sales taken meanwhile go as before.
        for (var beat = 0; beat < 3; beat++)
        {
            var beats = reporter.Beats;
            clock.Advance(TimeSpan.FromMinutes(5));
            await Eventually.WaitUntilAsync(() => reporter.Beats > beats, "the next heartbeat went");
        }

        var second = agent.Drop("kassa-2.csv", ReceiptCsv.Write(DemoSales.Day(new DateOnly(2026, 10, 2), 20, 1001, new Random(2))));
        await Eventually.WaitUntilAsync(() => agent.HasDelivered(second), "the agent delivered the second file", () => hub.Describe());
        Assert.Equal(50, hub.Receipts);
        Assert.Equal(1, hub.Calls("/norsjo.retail.v1.Ingest/ReportHealth"));
        Assert.True(hub.Calls("/grpc.health.v1.Health/Check") >= 4, hub.Describe());
        var connection = agent.Services.GetRequiredService<ConnectionLog>();
        Assert.True(connection.LastContact is (_, true), "the connection log counts the old hub as reached");

        // Past the pause it asks again (the hub may have been upgraded meanwhile), once.
        var before = reporter.Beats;
        clock.Advance(HealthReporter.OldHubPause);
        await Eventually.WaitUntilAsync(() => reporter.Beats > before && hub.Calls("/norsjo.retail.v1.Ingest/ReportHealth") == 2,
            "after the pause the heartbeat asked the hub again", () => $"{reporter.Beats} beats; {hub.Describe()}");
        Assert.Single(agent.Log, l => l.Contains("older hub", StringComparison.Ordinal));
        Assert.DoesNotContain(agent.Log, l => l.Contains("Heartbeat fault", StringComparison.Ordinal) || l.Contains("Upload fault", StringComparison.Ordinal));
    }

    /// <summary>The hub as it was before issue 21: Ingest.UploadBatch only.</summary>
    private sealed class OldHub : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TempFolder _tls;
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        private OldHub(WebApplication app, TempFolder tls, Uri url, OldIngest ingest)
        {
            _app = app;
            _tls = tls;
            Url = url;
            Service = ingest;
        }

        public Uri Url { get; }

        public string Certificate => Path.Combine(_tls.Path, DevelopmentCertificate.PemName);

        private OldIngest Service { get; }

        public int Receipts => Service.Batches.Values.Sum();

        public int Calls(string path) => _calls.GetValueOrDefault(path);

        public string Describe() =>
            $"calls: {string.Join(", ", _calls.Select(c => $"{c.Key} {c.Value}"))}; batches {Service.Batches.Count}, receipts {Receipts}";

        public static async Task<OldHub> StartAsync()
        {
            var (builder, tls, origin) = LoopbackHttps.Create("old-hub", HttpProtocols.Http2);
            var ingest = new OldIngest();
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(ingest);
            builder.Services.AddSingleton<IServiceMethodProvider<OldIngest>, OldIngestMethods>();
            var app = builder.Build();
            var hub = new OldHub(app, tls, origin, ingest);
            // Before routing, so every call is counted, also those grpc-dotnet answers UNIMPLEMENTED itself.
            app.Use(async (context, next) =>
            {
                hub._calls.AddOrUpdate(context.Request.Path.Value ?? string.Empty, 1, (_, n) => n + 1);
                await next(context);
            });
            app.UseRouting();
            app.MapGrpcService<OldIngest>();
            await app.StartAsync();
            return hub;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _tls.Dispose();
        }
    }

    private sealed class OldIngest
    {
        public ConcurrentDictionary<string, int> Batches { get; } = new(StringComparer.Ordinal);

        public Task<UploadBatchReply> UploadBatch(UploadBatchRequest request, ServerCallContext context)
        {
            var already = !Batches.TryAdd(request.BatchId, request.Receipts.Count);
            return Task.FromResult(new UploadBatchReply { BatchId = request.BatchId, AlreadyStored = already, ReceiptsStored = already ? 0 : request.Receipts.Count });
        }
    }

    private sealed class OldIngestMethods : IServiceMethodProvider<OldIngest>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OldIngest> context) =>
            context.AddUnaryMethod(StrictMethods.Unary<UploadBatchRequest, UploadBatchReply>(Contracts.V1.Ingest.Descriptor, "UploadBatch"), [],
                (service, request, call) => service.UploadBatch(request, call));
    }
}
