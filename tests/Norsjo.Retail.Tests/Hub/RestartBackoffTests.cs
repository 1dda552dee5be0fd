using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Tests.Hub;

public sealed class RestartBackoffTests
{
    [Fact]
    public void A_server_that_keeps_dying_is_tried_after_1_2_4_8_16_then_every_30_seconds_and_from_1_again_once_it_stayed_up_a_minute()
    {
        var backoff = new RestartBackoff();
        var quick = TimeSpan.FromSeconds(2);
        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(0, 7).Select(_ => backoff.Next(quick).TotalSeconds));
        Assert.Equal(1, backoff.Next(TimeSpan.FromMinutes(1)).TotalSeconds);
        Assert.Equal(2, backoff.Next(quick).TotalSeconds);
    }
}
