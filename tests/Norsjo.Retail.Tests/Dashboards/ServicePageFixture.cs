using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

[CollectionDefinition(Name)]
public sealed class ServicePagesGroup : ICollectionFixture<ServicePageFixture>
{
    public const string Name = "ServicePages";
}

/// <summary>
/// The kommunöversikt's pages in Chromium: a hub of its own (the demo registry and the shipped
/// service-points.yaml, no sales history — these pages need none), its clock fixed at 1 December 2026
/// 14:00, users for each role, and Debian's Chromium. Lighter than the demo fixture, which sends three years of sales.
/// </summary>
public sealed class ServicePageFixture : IAsyncLifetime
{
    private readonly ClickHouseServerFixture _clickHouse = new();
    private IPlaywright? _playwright;

    public FixedClock Clock { get; } = new(DemoHubFixture.FirstOfDecember);

    public RunningHub Hub { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _clickHouse.InitializeAsync();
        var hubFolder = Path.Combine(DemoHubFixture.RepositoryRoot, "hub", "Norsjo.Retail.Hub");
        Hub = await RunningHub.StartAsync(_clickHouse.Url, new HubSettings(ExtraArgs: ["--ServicePoints:SeedFile=" + Path.Combine(hubFolder, "service-points.yaml")])
        {
            Registry = await File.ReadAllTextAsync(Path.Combine(hubFolder, "registry.yaml")),
            Clock = Clock,
        });
        var users = Hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("kommunen", DemoHubFixture.Password, UserRole.Municipality, []);
        await users.SaveAsync("redaktor", DemoHubFixture.Password, UserRole.MunicipalityEditor, []);
        await users.SaveAsync("agare-kusfors", DemoHubFixture.Password, UserRole.StoreOwner, [DemoHubFixture.OwnStore]);

        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>A tab of its own, anonymous, at a phone's width unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 390, int height = 844)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Hub.HttpUrl.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Locale = "sv-SE",
            TimezoneId = "Europe/Stockholm",
        });
        return await context.NewPageAsync();
    }

    public async Task<IPage> OpenAsync(string user, string path, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await DemoHubFixture.SignInAsync(page, user);
        await page.GotoAsync(path);
        await DemoHubFixture.ReadyAsync(page);
        return page;
    }

    /// <summary>Runs the test with the hub's clock at <paramref name="at"/>, and puts it back.</summary>
    public async Task AtAsync(DateTimeOffset at, Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var before = Clock.Now;
        Clock.Now = at;
        try
        {
            await test();
        }
        finally
        {
            Clock.Now = before;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }

        await _clickHouse.DisposeAsync();
    }
}
