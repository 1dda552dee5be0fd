using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Jobs;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Hub;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

[CollectionDefinition(Name)]
public sealed class DashboardsGroup : ICollectionFixture<DemoHubFixture>
{
    public const string Name = "Dashboards";
}

/// <summary>
/// The demo as a newcomer sees it, once for all page tests: a ClickHouse of its own, the hub with the
/// demo registry (hub/Norsjo.Retail.Hub/registry.yaml), three years of the four demo shops' sales sent
/// by real agents from till exports, the scheduled jobs caught up once (JobsCatchUp), users for each role, and Debian's Chromium.
/// </summary>
public sealed class DemoHubFixture : IAsyncLifetime
{
    public const string Password = "provlösen-2026";
    public const string OwnStore = "kusfors-handel";
    public const string OtherStore = "norsjo-livs";
    public const int HistoryDays = 3 * 365;

    /// <summary>The demo as the issue saw it: 1 December 2026, early afternoon in Norsjö (the first day of a month, the last one not yet settled).</summary>
    public static readonly DateTimeOffset FirstOfDecember = new(2026, 12, 1, 14, 0, 0, TimeSpan.FromHours(1));

    /// <summary>The last day of a month, in the afternoon: the month is nearly whole, yet still running.</summary>
    public static readonly DateTimeOffset LastOfNovember = new(2026, 11, 30, 15, 0, 0, TimeSpan.FromHours(1));

    /// <summary>The hub's clock, fixed, so every run sees the same today and the same complete months; the pages take their today from the hub (/api/me).</summary>
    public static FixedClock Clock { get; } = new(FirstOfDecember);

    private readonly ClickHouseServerFixture _clickHouse = new();
    private IPlaywright? _playwright;

    public RunningHub Hub { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public long ReceiptsSent { get; private set; }

    /// <summary>The demo shops with the registry's opening hours, as `./norsjo demo` runs them.</summary>
    public IReadOnlyList<DemoShop> Shops { get; private set; } = [];

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Where screenshots go: beside the test results, kept by CI as artefacts.</summary>
    public static string ArtefactFolder { get; } = Directory.CreateDirectory(Path.Combine(RepositoryRoot, ".test-results", "screenshots")).FullName;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public async Task InitializeAsync()
    {
        // Before the two minutes of history, not after them.
        Chromium.RequireBuiltPages();
        const string Name = nameof(DemoHubFixture);
        await FixtureTimes.TimeAsync(Name, "ClickHouse started", _clickHouse.InitializeAsync);
        var registry = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "hub", "Norsjo.Retail.Hub", "registry.yaml"));
        // The cheap backtest (2 origins, 50 trees): the pages show what the job stored, whichever method
        // won; the forecasts' accuracy has tests of its own. The full one cost a fifth of this fixture.
        await FixtureTimes.TimeAsync(Name, "hub started", async () =>
            Hub = await RunningHub.StartAsync(_clickHouse.Url, new HubSettings(ExtraArgs: CheapForecast.Args) { Registry = registry, Clock = Clock }));
        Shops = DemoShop.FromRegistry(RegistryFile.Parse(registry));

        var users = Hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("kommunen", Password, UserRole.Municipality, []);
        await users.SaveAsync("admin", Password, UserRole.Admin, []);
        await users.SaveAsync("agare-kusfors", Password, UserRole.StoreOwner, [OwnStore]);

        await FixtureTimes.TimeAsync(Name, "three years sent by four agents", SendHistoryAsync);

        await FixtureTimes.TimeAsync(Name, "jobs caught up", () => Hub.Services.GetRequiredService<JobsCatchUp>().RunAsync(months: 36, progress: _ => { }));

        await FixtureTimes.TimeAsync(Name, "Chromium launched", async () =>
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await Chromium.LaunchAsync(_playwright);
        });

        // The page tests time first renders: under ./norsjo test, not while other test processes run.
        await RunAlone.WaitForOthersAsync();
    }

    public static DateOnly Today => Norsjo.Retail.Hub.Time.SwedishTime.Today(Clock);

    /// <summary>
    /// Each shop's till exports through a real agent each, as the demo has them (DemoSeasons): one
    /// file per month, then today so far. Batches of 2,000 receipts, so the hub's per-store upload
    /// rate does not stretch three years into minutes.
    /// </summary>
    private async Task SendHistoryAsync()
    {
        var agents = new List<RunningAgent>();
        try
        {
            var now = Norsjo.Retail.Hub.Time.SwedishTime.Now(Clock).DateTime;
            for (var i = 0; i < Shops.Count; i++)
            {
                var shop = Shops[i];
                var agent = await RunningAgent.StartAsync(Hub, shop.Id, await Hub.EnrollAsync(shop.Id), "--Agent:MaxReceiptsPerBatch=2000");
                agents.Add(agent);
                var till = new DemoHistory(shop, new Random(1000 + i));
                var days = till.Days(Today.AddDays(-HistoryDays), Today)
                    .Select(d => d.Date == Today ? (d.Date, Receipts: (IReadOnlyList<DemoReceipt>)[.. d.Receipts.Where(r => r.LocalTime <= now)]) : d);
                foreach (var month in days.GroupBy(d => (d.Date.Year, d.Date.Month)))
                {
                    var receipts = month.SelectMany(d => d.Receipts).ToList();
                    ReceiptsSent += receipts.Count;
                    agent.Drop($"kassa-{month.Key.Year}{month.Key.Month:00}.csv", ReceiptCsv.Write(receipts));
                }
            }

            foreach (var agent in agents)
            {
                await Eventually.WaitUntilAsync(
                    () => !Directory.EnumerateFiles(agent.ExportFolder, "kassa-*.csv").Any() && agent.Outbox.Status().Items == 0,
                    "three years of exports taken and acknowledged", TimeSpan.FromMinutes(8));
            }
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    /// <summary>A browser tab of its own (cookies too), at a phone's width unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 390, int height = 844)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Hub.HttpUrl.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Locale = "sv-SE",
            TimezoneId = "Europe/Stockholm",
            AcceptDownloads = true,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the form, as a person does, and waits for the start page to be drawn.</summary>
    public static async Task SignInAsync(IPage page, string username, string password = Password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/");
        await page.GetByLabel("Användarnamn").FillAsync(username);
        await page.GetByLabel("Lösenord").FillAsync(password);
        // Waiting on the hub's answer first tells a refused or unanswered sign-in apart from a page that did not move on:
        // a bare wait for the address said only "timeout" when this failed under load.
        IResponse login;
        try
        {
            login = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync(),
                response => response.Url.EndsWith("/api/login", StringComparison.Ordinal) && response.Request.Method == "POST");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Signing in as {username}: the hub did not answer POST /api/login in time.", e);
        }

        if (!login.Ok)
        {
            throw new InvalidOperationException($"Signing in as {username}: the hub answered {login.Status}: {await login.TextAsync()}");
        }

        try
        {
            await page.WaitForURLAsync(url => !url.EndsWith('/'));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Signing in as {username}: the hub accepted it, but the page stayed at {page.Url}.", e);
        }

        await ReadyAsync(page);
    }

    /// <summary>A new tab signed in as the user, at the page, drawn.</summary>
    public async Task<IPage> OpenAsync(string user, string path, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await SignInAsync(page, user);
        await page.GotoAsync(path);
        await ReadyAsync(page);
        return page;
    }

    /// <summary>The text of the element the page marks with data-testid.</summary>
    public static Task<string> TextAsync(IPage page, string testId) => page.GetByTestId(testId).InnerTextAsync();

    /// <summary>Runs <paramref name="test"/> with the hub's clock (and new pages' clocks) at <paramref name="at"/>, and puts it back.</summary>
    public static async Task AtAsync(DateTimeOffset at, Func<Task> test)
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

    public static Task ReadyAsync(IPage page) => page.Locator("body[data-ready='true']").WaitForAsync(new() { Timeout = 15_000 });

    /// <summary>What the API answers the signed-in page, with the same session cookie.</summary>
    public static async Task<T> ApiAsync<T>(IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        var response = await page.Context.APIRequest.GetAsync(path);
        Assert.True(response.Ok, $"GET {path}: {response.Status}");
        return JsonSerializer.Deserialize<T>(await response.TextAsync(), Json)!;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtefactFolder, name + ".png"), FullPage = true });
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
            await FixtureTimes.TimeAsync(nameof(DemoHubFixture), "hub stopped", () => Hub.DisposeAsync().AsTask());
        }

        await FixtureTimes.TimeAsync(nameof(DemoHubFixture), "ClickHouse stopped", _clickHouse.DisposeAsync);
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Norsjo.Retail.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: Norsjo.Retail.sln not found above " + AppContext.BaseDirectory);
    }
}
