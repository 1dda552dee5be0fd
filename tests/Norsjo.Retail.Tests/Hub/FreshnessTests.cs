using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// Freshness reads the last <see cref="StoreAnalytics.RecentDays"/> days first and a store's whole
/// history only where those days hold no upload or no sale of it: every store's answer must be the
/// whole history's, whichever side its latest upload and latest sale fall.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class FreshnessTests(ClickHouseServerFixture clickHouse)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(1));

    private sealed record FreshRow(string StoreId, string LastSale, ulong LastUploadMs);

    [Fact]
    public async Task Recent_old_and_missing_uploads_and_sales_are_each_the_whole_historys()
    {
        var clock = new FixedClock(Now.AddMonths(-8));
        string[] stores = ["recent", "old-sale", "old-upload", "never"];
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { Clock = clock }, stores);

        // Eight months ago: old-upload's last batch, with a sale that day. Today: recent sold yesterday; old-sale sent a sale of last spring.
        await SendAsync(hub, "old-upload", DateOnly.FromDateTime(clock.Now.Date));
        clock.Now = Now;
        await SendAsync(hub, "recent", DateOnly.FromDateTime(Now.Date).AddDays(-1));
        await SendAsync(hub, "old-sale", new DateOnly(2025, 4, 30));

        var analytics = hub.Services.GetRequiredService<StoreAnalytics>();
        var fresh = await analytics.FreshnessAsync(null, stores, Now, CancellationToken.None);
        var whole = (await hub.Services.GetRequiredService<ClickHouseStorage>().Database.QueryAsync<FreshRow>(StoreAnalytics.FreshnessSql(null, stores)))
            .ToDictionary(r => r.StoreId, StringComparer.Ordinal);

        Assert.Equal(new string?[] { "2026-02-28", "2025-04-30", "2025-07-01", null }, fresh.Select(f => f.LastSale));
        foreach (var f in fresh.Where(f => f.StoreId != "never"))
        {
            Assert.Equal(whole[f.StoreId].LastSale, f.LastSale);
            Assert.Equal((long)whole[f.StoreId].LastUploadMs, f.LastUpload!.Value.ToUnixTimeMilliseconds());
        }

        Assert.InRange(fresh.Single(f => f.StoreId == "old-upload").MinutesSinceUpload!.Value, 8 * 28 * 24 * 60, 8 * 31 * 24 * 60);
        Assert.Null(fresh[3].LastUpload);
        Assert.Null(fresh[3].MinutesSinceUpload);

        // One store's own call, by either path.
        foreach (var id in stores[..3])
        {
            Assert.Equal(fresh.Single(f => f.StoreId == id), (await analytics.FreshnessAsync(id, [id], Now, CancellationToken.None)).Single());
        }
    }

    private static async Task SendAsync(RunningHub hub, string store, DateOnly day)
    {
        using var channel = hub.Channel();
        var batch = new UploadBatchRequest { BatchId = $"{store}-{day:yyyyMMdd}", StoreId = store };
        batch.Receipts.Add(DisclosureTests.Data.Receipt($"{store}-{day:yyyyMMdd}-1", day, "dagligvaror", 1200, 25_000, cash: true));
        var reply = await new Ingest.IngestClient(channel).UploadBatchAsync(batch, RunningHub.Credential(await hub.EnrollAsync(store)));
        Assert.False(reply.AlreadyStored);
    }
}
