using Norsjo.Retail.Agent.Upload;

namespace Norsjo.Retail.Tests.Agent;

public sealed class RetryBackoffTests
{
    [Fact]
    public void Delays_double_up_to_the_ceiling_with_jitter_and_start_over_after_success()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), new Random(1234));

        var delays = Enumerable.Range(0, 14).Select(_ => backoff.NextDelay().TotalSeconds).ToList();

        for (var i = 0; i < delays.Count; i++)
        {
            var ceiling = Math.Min(300, Math.Pow(2, i));
            Assert.InRange(delays[i], ceiling / 2, ceiling);
        }

        Assert.True(delays.Distinct().Count() > 10, "jitter should spread the delays");
        backoff.Reset();
        Assert.InRange(backoff.NextDelay().TotalSeconds, 0.5, 1);
    }
}
