using Grpc.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Heartbeat;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Agent;

public sealed class AgentHealthMeterTests
{
    [Fact]
    public void A_heartbeat_that_gets_through_does_not_hide_batches_that_fail_and_each_kind_is_cleared_by_its_own_success()
    {
        using var folder = new TempFolder("health-meter");
        using var outbox = new SqliteOutbox(folder.Path);
        var meter = new AgentHealthMeter(outbox, Options.Create(new AgentOptions { DataDirectory = folder.Path }), new HealthClock(new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero))));

        meter.Failed(HubCall.Upload, StatusCode.ResourceExhausted);
        meter.Failed(HubCall.Upload, StatusCode.ResourceExhausted);
        meter.Succeeded(HubCall.Heartbeat);
        Assert.Equal(2, meter.Measure().FailedAttempts);
        Assert.Equal("ResourceExhausted", meter.Measure().LastFailure);

        meter.Failed(HubCall.Heartbeat, StatusCode.Unavailable);
        Assert.Equal(3, meter.Measure().FailedAttempts);
        meter.Succeeded(HubCall.Heartbeat);
        Assert.Equal(2, meter.Measure().FailedAttempts);

        meter.Succeeded(HubCall.Upload);
        Assert.Equal(0, meter.Measure().FailedAttempts);
    }
}
