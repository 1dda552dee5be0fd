using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Hub.Operations;
using Xunit.Abstractions;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// The demo checks itself, as `./norsjo demo` does at its end (check-data): three years of the demo
/// shops' sales sent by real agents, and not one refused item, not one sale outside the registry's
/// opening hours, food 70–85 % of each shop's sales (issue 15).
/// </summary>
[Trait(RunAlone.Trait, RunAlone.Value)]
[Collection(DashboardsGroup.Name)]
public sealed class DemoSelfCheckTests(DemoHubFixture demo, ITestOutputHelper output)
{
    [Fact]
    public async Task The_demo_has_no_refusals_no_sales_outside_opening_hours_and_a_village_shops_food_share()
    {
        var checks = await demo.Hub.Services.GetRequiredService<DataCheck>().RunAsync();
        var (passed, lines) = DataCheck.Report(checks, 0.70m, 0.85m);
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        // The figures, kept beside the screenshots for a person to read.
        await File.WriteAllLinesAsync(Path.Combine(DemoHubFixture.RepositoryRoot, ".test-results", "demo-check.txt"), lines);

        Assert.Equal(demo.Shops.Select(s => s.Id).Order(StringComparer.Ordinal), checks.Select(c => c.StoreId).Order(StringComparer.Ordinal));
        Assert.Equal(demo.ReceiptsSent, checks.Sum(c => c.Receipts));
        Assert.True(passed, string.Join(Environment.NewLine, lines));
    }
}
