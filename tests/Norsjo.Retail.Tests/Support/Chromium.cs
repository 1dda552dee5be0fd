using Microsoft.Playwright;

namespace Norsjo.Retail.Tests.Support;

/// <summary>Debian's Chromium, headless, as every page test starts it (no sandbox as root in CI, no GPU, no background requests).</summary>
public static class Chromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }
}
