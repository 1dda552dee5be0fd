using ClickHouse.Driver;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>
/// The last line for every HTTP endpoint that reads storage: ClickHouse away or too slow is a 503
/// with a short Swedish reason, never a 500 or a stack trace (the API's own filter answers the
/// same, with problem details, before it gets here). A statement ClickHouse refuses as wrong is a
/// 500 with a Swedish reason and an error in the log naming the path and the ClickHouse code, never
/// the statement (it quotes values) nor the server's text.
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
                await AnswerAsync(context, StorageGuard.UnavailableMessage, StatusCodes.Status503ServiceUnavailable).ConfigureAwait(false);
            }
            catch (ClickHouseServerException e) when (StorageGuard.IsQueryFault(e) && !context.Response.HasStarted)
            {
                LogQueryFault(logger, context.Request.Path.Value ?? string.Empty, ClickHouseErrors.Describe(e));
                await AnswerAsync(context, StorageGuard.QueryFaultMessage, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
            }
        });
        return app;
    }

    private static async Task AnswerAsync(HttpContext context, string message, int status)
    {
        context.Response.Clear();
        await Results.Problem(message, statusCode: status).ExecuteAsync(context).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: ClickHouse is not available ({Error})")]
    private static partial void LogOutage(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} answered 500: ClickHouse refused the hub's statement (error {Code}); a bug in the hub")]
    private static partial void LogQueryFault(ILogger logger, string path, string code);
}
