using Microsoft.Playwright;
using Norsjo.Retail.Hub.Dashboards;

namespace Norsjo.Retail.Tests.Support;

/// <summary>Debian's Chromium, headless, as every page test starts it (no sandbox as root in CI, no GPU, no background requests).</summary>
public static class Chromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        RequireBuiltPages();
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>
    /// Fails at once, saying what to do, when dashboards/dist is not built: otherwise a page test
    /// (one run alone with a filter, without ./norsjo test's build) waits for a page the hub cannot
    /// serve and fails on a timeout that names neither. Looked up as the tests' hubs look it up.
    /// </summary>
    public static void RequireBuiltPages()
    {
        var files = DashboardFiles.Locate(null, AppContext.BaseDirectory);
        if (files.Root is null)
        {
            throw new InvalidOperationException(
                $"The pages are not built (no index.html in {files.Looked}). Build them first: cd dashboards && npm ci && npm run build "
                + "(./norsjo test does this), then run the page tests again.");
        }
    }
}
