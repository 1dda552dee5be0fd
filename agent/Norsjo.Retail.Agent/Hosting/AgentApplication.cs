using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Sources;
using Norsjo.Retail.Agent.Sources.ExportFolder;
using Norsjo.Retail.Agent.Sources.PosPlugin;
using Norsjo.Retail.Agent.Sources.Sie;
using Norsjo.Retail.Agent.Upload;

namespace Norsjo.Retail.Agent.Hosting;

/// <summary>The agent's composition, shared by Program and the tests, which run the same agent in-process.</summary>
public static partial class AgentApplication
{
    /// <param name="logging">Extra logging set-up (the tests keep what the agent logs).</param>
    /// <param name="services">Replacements registered last (the tests' clock for the health and connection log).</param>
    public static IHost Build(string[] args, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? services = null)
    {
        var builder = CreateBuilder(args);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole();
        logging?.Invoke(builder.Logging);
        // Quiet under systemd (journald) and as a Windows service alike; a no-op when run by hand.
        builder.Services.AddSystemd();
#if !LINUX_ONLY
        builder.Services.AddWindowsService(options => options.ServiceName = Install.ServicePlan.WindowsService);
#endif
        builder.Services.AddOptions<AgentOptions>()
            .Bind(builder.Configuration.GetSection(AgentOptions.Section))
            .PostConfigure(o =>
            {
                if (Enrollment.Load(o.DataDirectory) is { } enrolled)
                {
                    o.StoreId = string.IsNullOrWhiteSpace(o.StoreId) ? enrolled.StoreId : o.StoreId;
                    o.Credential = string.IsNullOrWhiteSpace(o.Credential) ? enrolled.Credential : o.Credential;
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.StoreId) && !string.IsNullOrWhiteSpace(o.Credential),
                "The agent is not enrolled: run `Norsjo.Retail.Agent enroll --code <code from the municipality>` first.")
            .Validate(o => o.MaxReceiptsPerBatch is > 0 and <= 5000, "Agent:MaxReceiptsPerBatch must be 1–5000.")
            .Validate(o => string.IsNullOrWhiteSpace(o.Sie.Profile) || SieProfiles.Names.Contains(o.Sie.Profile.Trim(), StringComparer.OrdinalIgnoreCase),
                $"Agent:Sie:Profile must be one of: {string.Join(", ", SieProfiles.Names)}.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<SqliteOutbox>();
            var opening = System.Diagnostics.Stopwatch.GetTimestamp();
            var outbox = new SqliteOutbox(settings.DataDirectory, settings.OutboxCapacity, logger);
            var openedIn = System.Diagnostics.Stopwatch.GetElapsedTime(opening);
            LogOutboxOpened(logger, openedIn);
            AgentCondition.Prepare(settings.DataDirectory);
            if (outbox.Recovery is { } recovery)
            {
                LogRecovery(logger, recovery);
            }

            return outbox;
        });
        builder.Services.AddSingleton(sp => new ReceiptAnonymiser(
            StoreSecret.LoadOrCreate(sp.GetRequiredService<IOptions<AgentOptions>>().Value.DataDirectory)));
        builder.Services.AddSingleton(sp => new Evidence.DeliveryEvidence(
            sp.GetRequiredService<IOptions<AgentOptions>>().Value.DataDirectory, sp.GetRequiredService<ReceiptAnonymiser>()));
        builder.Services.AddSingleton<ISalesSource, ExportFolderSource>();
        builder.Services.AddSingleton<ISalesSource, SieFolderSource>();
        builder.Services.AddSingleton<ISalesSource, PosPluginSource>();
        builder.Services.AddHostedService<SourceHost>();
        builder.Services.AddHostedService<HubUploader>();
        builder.Services.AddHostedService<IdleMemory>();
        AddHealth(builder.Services);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// The host with only what the agent uses: appsettings.json where it is started, environment
    /// variables, the command line, read once at start (a changed appsettings.json takes effect at
    /// the next start). Host.CreateApplicationBuilder's defaults would add the Debug, EventSource
    /// and EventLog loggers, user secrets and reload-on-change, each code in the native file and
    /// memory at idle; reloading would also watch the working directory and every folder under it
    /// (an agent started by hand in /tmp or a home folder crawled it all before its first upload).
    /// </summary>
    internal static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.SetBasePath(builder.Environment.ContentRootPath)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        return builder;
    }

    /// <summary>The agent's own health and its connection log (issue 21; agent/README.md, "Health and connection log").</summary>
    private static void AddHealth(IServiceCollection services)
    {
        services.AddSingleton(new Heartbeat.HealthClock(TimeProvider.System));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            return new Heartbeat.ConnectionLog(settings.DataDirectory, settings.ConnectionGap, sp.GetRequiredService<Heartbeat.HealthClock>());
        });
        services.AddSingleton<Heartbeat.AgentHealthMeter>();
        services.AddHostedService<Heartbeat.HealthReporter>();
    }

    private static void LogRecovery(ILogger logger, OutboxRecoveryReport recovery)
    {
        var lost = recovery.ItemsLost < 0 ? "an unknown number (no ledger)" : recovery.ItemsLost.ToString(System.Globalization.CultureInfo.InvariantCulture);
        LogRecovered(logger, recovery.Problem, recovery.DamagedCopy, recovery.ItemsSaved, lost, recovery.SourcesToSendAgain.Count);
        foreach (var day in recovery.LostPosSales)
        {
            var date = day.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var kronor = LostSalesReport.Kronor(day.GrossOre);
            SqliteOutbox.LogLostPosSales(logger, date, day.Sales, kronor, recovery.LostReport ?? string.Empty);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox opened and checked (quick_check, ledger) in {Took}")]
    private static partial void LogOutboxOpened(ILogger logger, TimeSpan took);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The outbox was damaged ({Problem}). Kept as {Copy}; {Saved} items saved, {Lost} lost; {Files} files that held lost items are sent again from behandlade/ (the hub counts each sale once)")]
    private static partial void LogRecovered(ILogger logger, string problem, string copy, int saved, string lost, int files);
}
