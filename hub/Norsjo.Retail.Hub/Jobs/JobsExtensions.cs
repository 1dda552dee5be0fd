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

/// <summary>On the first of each month: last month's subsidy statement for every store, each by its municipality's rules.</summary>
public sealed partial class SubsidyStatementJob(Tenancy.Municipalities municipalities, TimeProvider time, ILogger<SubsidyStatementJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var today = Api.ApiRequest.Today(time);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        foreach (var municipality in municipalities.All)
        {
            var produced = await municipality.GetRequiredService<SubsidyLedger>().ProduceAsync(lastMonth, cancellationToken).ConfigureAwait(false);
            LogProduced(logger, municipality.Municipality.Id, lastMonth, produced);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subsidy statements of {Municipality} for {Month:yyyy-MM}: {Produced} produced now")]
    private static partial void LogProduced(ILogger logger, string municipality, DateOnly month, int produced);
}

/// <summary>Every night: each store's and each municipality's 8-week forecast, with its backtests.</summary>
public sealed partial class NightlyForecastJob(Tenancy.Municipalities municipalities, ILogger<NightlyForecastJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    [AutomaticRetry(Attempts = 2)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var municipality in municipalities.All)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var runId = await municipality.GetRequiredService<Forecasting.ForecastRun>().RunAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            LogDone(logger, municipality.Municipality.Id, runId, elapsed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forecast run of {Municipality} {RunId} done in {Elapsed}")]
    private static partial void LogDone(ILogger logger, string municipality, string runId, TimeSpan elapsed);
}

/// <summary>Every hour: which open stores' agents have gone quiet.</summary>
public sealed partial class SilentAgentsJob(Tenancy.Municipalities municipalities, ILogger<SilentAgentsJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 1)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var municipality in municipalities.All)
        {
            var checks = await municipality.GetRequiredService<Operations.SilentAgents>().CheckAsync(cancellationToken).ConfigureAwait(false);
            var silent = checks.Count(c => c.Silent);
            LogChecked(logger, municipality.Municipality.Id, checks.Count, silent);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checked {Municipality}'s {Stores} agents: {Silent} silent")]
    private static partial void LogChecked(ILogger logger, string municipality, int stores, int silent);
}

/// <summary>Every week: where each municipality's index is heading this year and the chance of reaching its target.</summary>
public sealed partial class IndexOutlookJob(Tenancy.Municipalities municipalities, ILogger<IndexOutlookJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 2)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var municipality in municipalities.All)
        {
            var outlook = municipality.GetRequiredService<Forecasting.IndexOutlook>();
            var result = await outlook.ComputeAsync(cancellationToken).ConfigureAwait(false);
            await outlook.StoreAsync(result, cancellationToken).ConfigureAwait(false);
            LogOutlook(logger, municipality.Municipality.Id, result.Year, result.Expected, result.ProbabilityOfTarget);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index outlook of {Municipality} {Year}: {Expected} expected, chance of the target {Probability}")]
    private static partial void LogOutlook(ILogger logger, string municipality, int year, decimal expected, decimal probability);
}
