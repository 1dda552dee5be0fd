using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// The last line for every HTTP endpoint that reads storage: ClickHouse away or too slow is a 503
/// with a short Swedish reason, never a 500 or a stack trace (the API's own filter answers the
/// same, with problem details, before it gets here).
/// </summary>
public static partial class StorageOutageAnswers
{
    public static WebApplication UseStorageOutageAnswers(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageOutageAnswers));
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception e) when (StorageGuard.IsStorageFailure(e, context.RequestAborted) && !context.Response.HasStarted)
            {
                LogOutage(logger, context.Request.Path.Value ?? string.Empty, e.GetType().Name);
                context.Response.Clear();
                await Results.Problem(StorageGuard.UnavailableMessage, statusCode: StatusCodes.Status503ServiceUnavailable)
                    .ExecuteAsync(context).ConfigureAwait(false);
            }
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: ClickHouse is not available ({Error})")]
    private static partial void LogOutage(ILogger logger, string path, string error);
}
