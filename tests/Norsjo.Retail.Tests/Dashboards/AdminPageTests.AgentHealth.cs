using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.AgentHealth;
using static Norsjo.Retail.Tests.Dashboards.DemoHubFixture;

namespace Norsjo.Retail.Tests.Dashboards;

public sealed partial class AdminPageTests
{
    /// <summary>The agents' health on /admin and their connection per village on /kommun, in Chromium, from what an agent reported.</summary>
    [Fact]
    public async Task The_admin_sees_each_agents_health_and_the_municipality_its_villages_connection_held_back_for_a_single_shop()
    {
        var health = new AgentHealth { MeasuredUnixMs = Clock.Now.ToUnixTimeMilliseconds(), QueueItems = 12, QueueCapacity = 500_000, OldestItemAgeSeconds = 90, Refused = 1, ErrorFiles = 2, ErrorLines = 5 };
        await demo.Hub.Services.GetRequiredService<AgentHealthStore>().RecordAsync(OwnStore, "1.0.0", health, AgentHealthStore.Via.Heartbeat);
        await demo.Hub.Services.GetRequiredService<ConnectionLogs>().RecordAsync(OwnStore,
            [new ConnectionDay { Date = new LocalDate { Year = 2026, Month = 11, Day = 20 }, ObservedMinutes = 600, OfflineMinutes = 45, LongestOutageMinutes = 30, Outages = 2, RoundTrips = 100, RoundTripMedianMs = 80, RoundTripP95Ms = 400 }]);

        var page = await demo.NewPageAsync(1280, 900);
        await SignInAsync(page, "admin");
        var row = page.GetByTestId("agent-health-table").Locator("tbody tr", new() { HasText = "Björks lanthandel" });
        await Assertions.Expect(row).ToContainTextAsync("12 av 500");
        await Assertions.Expect(row).ToContainTextAsync("2 filer, 5 rader");
        await Assertions.Expect(row.Locator("[data-state]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(sänder|kan inte skicka|tyst|stängt)$"));

        var kommun = await demo.NewPageAsync(1280, 900);
        await SignInAsync(kommun, "kommunen");
        var november = kommun.GetByTestId("connection-table").Locator("tbody tr", new() { HasText = "Kusfors" }).Filter(new() { HasText = "november" });
        await Assertions.Expect(november).ToHaveCountAsync(1);
        // One shop in Kusfors: its own record, shown only if it shares its figures.
        await Assertions.Expect(november).ToContainTextAsync(new System.Text.RegularExpressions.Regex("visas inte: färre än 3 butiker|45,0 min"));
    }
}
