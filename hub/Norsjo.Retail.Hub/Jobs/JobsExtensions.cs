using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Norsjo.Retail.Hub.Subsidy;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Jobs;

public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Run the job server in this hub (off in most tests).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Hangfire's own storage: a SQLite file, durable without an extra server.</summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "hangfire.db");

    /// <summary>
    /// A PostgreSQL connection string: when several hubs run, they share this storage, so a
    /// recurring job runs once among them. Empty: the SQLite file.
    /// </summary>
    public string? PostgreSql { get; set; }

    /// <summary>The monthly subsidy statements: 02:00 on the first of each month, Swedish time.</summary>
    public string SubsidyStatementsCron { get; set; } = "0 2 1 * *";

    /// <summary>The nightly forecasts: 03:00 Swedish time.</summary>
    public string ForecastCron { get; set; } = "0 3 * * *";

    /// <summary>The index outlook: Mondays 04:00, after the night's forecast.</summary>
    public string IndexOutlookCron { get; set; } = "0 4 * * 1";

    /// <summary>The silent-agent check: every hour.</summary>
    public string SilentAgentsCron { get; set; } = "5 * * * *";
}

/// <summary>
/// Hangfire in the hub: durable job storage in a SQLite file, recurring jobs registered at start-up,
/// and the dashboard at /hangfire for signed-in admins only.
/// </summary>
public static class JobsExtensions
{
    public const string SubsidyStatementsJob = "subsidy-statements";
    public const string ForecastJob = "forecast-nightly";
    public const string SilentAgentsJob = "silent-agents-hourly";
    public const string IndexOutlookJob = "index-outlook-weekly";

    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        builder.Services.Configure<JobOptions>(builder.Configuration.GetSection(JobOptions.Section));
        builder.Services.AddSingleton<SubsidyLedger>();
        builder.Services.AddSingleton<SubsidyStatementJob>();
        builder.Services.AddSingleton<Forecasting.ForecastRun>();
        builder.Services.AddSingleton<NightlyForecastJob>();
        builder.Services.AddSingleton<Operations.SilentAgents>();
        builder.Services.AddSingleton<SilentAgentsJob>();
        builder.Services.AddSingleton<Forecasting.IndexOutlook>();
        builder.Services.AddSingleton<IndexOutlookJob>();
        builder.Services.AddSingleton<JobsCatchUp>();
        if (!options.Enabled)
        {
            return builder;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.SqlitePath))!);
        builder.Services.AddSingleton<JobMetrics>();
        builder.Services.AddHangfire((services, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseFilter(services.GetRequiredService<JobMetrics>())
            .UseStorage(options));
        builder.Services.AddHangfireServer(server => server.WorkerCount = 2);
        return builder;
    }

    private static IGlobalConfiguration UseStorage(this IGlobalConfiguration hangfire, JobOptions options) =>
        string.IsNullOrWhiteSpace(options.PostgreSql)
            ? hangfire.UseSQLiteStorage(Path.GetFullPath(options.SqlitePath), new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(1) })
            : hangfire.UsePostgreSqlStorage(postgres => postgres.UseNpgsqlConnection(options.PostgreSql));

    public static WebApplication MapJobs(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        if (!options.Enabled)
        {
            return app;
        }

        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new AdminsOnly()], DisplayStorageConnectionString = false });
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        var sweden = new RecurringJobOptions { TimeZone = Time.SwedishTime.Zone };
        jobs.AddOrUpdate<SubsidyStatementJob>(SubsidyStatementsJob, job => job.RunAsync(CancellationToken.None), options.SubsidyStatementsCron, sweden);
        jobs.AddOrUpdate<SilentAgentsJob>(SilentAgentsJob, job => job.RunAsync(CancellationToken.None), options.SilentAgentsCron, sweden);
        jobs.AddOrUpdate<IndexOutlookJob>(IndexOutlookJob, job => job.RunAsync(CancellationToken.None), options.IndexOutlookCron, sweden);
        jobs.AddOrUpdate<NightlyForecastJob>(ForecastJob, job => job.RunAsync(CancellationToken.None), options.ForecastCron, sweden);
        return app;
    }

    /// <summary>The Hangfire dashboard can run and delete jobs: signed-in admins only, never anonymous or remote-by-default.</summary>
    private sealed class AdminsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.IsInRole(UserStore.RoleName(UserRole.Admin));
    }
}

/// <summary>On the first of each month: last month's subsidy statement for every store.</summary>
public sealed partial class SubsidyStatementJob(SubsidyLedger ledger, TimeProvider time, ILogger<SubsidyStatementJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var today = Api.ApiRequest.Today(time);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var produced = await ledger.ProduceAsync(lastMonth, cancellationToken).ConfigureAwait(false);
        LogProduced(logger, lastMonth, produced);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subsidy statements for {Month:yyyy-MM}: {Produced} produced now")]
    private static partial void LogProduced(ILogger logger, DateOnly month, int produced);
}

/// <summary>Every night: each store's and the municipality's 8-week forecast, with its backtests.</summary>
public sealed partial class NightlyForecastJob(Forecasting.ForecastRun run, ILogger<NightlyForecastJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    [AutomaticRetry(Attempts = 2)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var runId = await run.RunAsync(cancellationToken).ConfigureAwait(false);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        LogDone(logger, runId, elapsed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forecast run {RunId} done in {Elapsed}")]
    private static partial void LogDone(ILogger logger, string runId, TimeSpan elapsed);
}

/// <summary>Every hour: which open stores' agents have gone quiet.</summary>
public sealed partial class SilentAgentsJob(Operations.SilentAgents agents, ILogger<SilentAgentsJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 1)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var checks = await agents.CheckAsync(cancellationToken).ConfigureAwait(false);
        var silent = checks.Count(c => c.Silent);
        LogChecked(logger, checks.Count, silent);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checked {Stores} agents: {Silent} silent")]
    private static partial void LogChecked(ILogger logger, int stores, int silent);
}

/// <summary>Every week: where this year's index is heading and the chance of reaching 60.</summary>
public sealed partial class IndexOutlookJob(Forecasting.IndexOutlook outlook, ILogger<IndexOutlookJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 2)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var result = await outlook.ComputeAsync(cancellationToken).ConfigureAwait(false);
        await outlook.StoreAsync(result, cancellationToken).ConfigureAwait(false);
        LogOutlook(logger, result.Year, result.Expected, result.ProbabilityOf60);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index outlook {Year}: {Expected} expected, chance of 60 {Probability}")]
    private static partial void LogOutlook(ILogger logger, int year, decimal expected, decimal probability);
}
