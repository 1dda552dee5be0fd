using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.AgentHealth;
using Norsjo.Retail.Hub.Disclosure;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The municipality's connection figures per village and month (issue 21) with fewer shops than the
/// count rule asks: a month is shown only if every one of its shops consented for the whole of that
/// month, as the consent history (append-only) says — not as the latest entry says — and not at all
/// once a shop has revoked (as with every municipal figure: a revoked consent hides the shop at once).
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ConnectionConsentTests(ClickHouseServerFixture clickHouse)
{
    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private static DateTimeOffset Swedish(int year, int month, int day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, 12, 0, 0), Sweden), TimeSpan.Zero);

    private static ConnectionDay Day(int month, int day, int offline) => new()
    {
        Date = new LocalDate { Year = 2026, Month = month, Day = day },
        ObservedMinutes = 600,
        OfflineMinutes = offline,
        LongestOutageMinutes = offline,
        Outages = offline > 0 ? 1 : 0,
        RoundTrips = 50,
        RoundTripMedianMs = 40,
        RoundTripP95Ms = 90,
    };

    [Fact]
    public async Task A_village_month_of_two_shops_is_shown_only_if_both_consented_through_that_month()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, "butik-a", "butik-b");
        var logs = hub.Services.GetRequiredService<ConnectionLogs>();
        foreach (var store in new[] { "butik-a", "butik-b" })
        {
            await logs.RecordAsync(store, [Day(9, 5, 10), Day(9, 25, 20), Day(10, 5, 30), Day(10, 25, 40), Day(11, 5, 50), Day(11, 25, 60)]);
        }

        var consents = hub.Services.GetRequiredService<IStoreConsents>();
        async Task ConsentAsync(string store, bool given, DateTimeOffset at) =>
            await consents.RecordAsync(new ConsentEvent(store, given, "ägaren", at), CancellationToken.None);
        await ConsentAsync("butik-a", true, Swedish(2026, 8, 1));
        await ConsentAsync("butik-b", true, Swedish(2026, 9, 15));     // from the middle of September
        await ConsentAsync("butik-a", false, Swedish(2026, 11, 10));   // not for ten days of November
        await ConsentAsync("butik-a", true, Swedish(2026, 11, 20));
        // The latest entry of both is "given": only the history tells the months apart.
        Assert.All((await consents.LatestAsync(CancellationToken.None)).Values, c => Assert.True(c.Given));

        async Task<Dictionary<string, VillageConnectionMonth>> MonthsAsync() =>
            (await logs.VillagesAsync(new DateOnly(2026, 9, 1), new DateOnly(2026, 11, 1))).Where(m => m.Village == "Bastuträsk").ToDictionary(m => m.Month);
        var months = await MonthsAsync();

        Assert.False(months["2026-09"].Shown);
        Assert.Contains("hela månaden", months["2026-09"].HeldBack, StringComparison.Ordinal);
        Assert.Null(months["2026-09"].OfflineMinutesPerDay);
        Assert.True(months["2026-10"].Shown, months["2026-10"].HeldBack);
        Assert.Equal(35, months["2026-10"].OfflineMinutesPerDay);
        Assert.Equal(40, months["2026-10"].LongestOutageMinutes);
        Assert.False(months["2026-11"].Shown);
        Assert.Null(months["2026-11"].LongestOutageMinutes);
        Assert.All(months.Values, m => Assert.Equal((2, 4), (m.Shops, m.ShopDays)));

        // butik-b revokes: no month shows it any more, October included.
        await ConsentAsync("butik-b", false, DateTimeOffset.UtcNow);
        Assert.All((await MonthsAsync()).Values, m => Assert.False(m.Shown));
    }
}
