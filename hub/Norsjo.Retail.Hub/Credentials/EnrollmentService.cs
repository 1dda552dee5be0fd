using Grpc.Core;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Credentials;

/// <summary>
/// Exchanges a one-time enrollment code for the store's credential (Enrollment.Enroll, bound by
/// Ingest/StrictMethods), after EnrollmentAttemptLimiter has admitted the attempt.
/// </summary>
public sealed partial class EnrollmentService(StoreCredentials credentials, EnrollmentAttemptLimiter limiter, ILogger<EnrollmentService> logger)
{
    public async Task<EnrollReply> Enroll(EnrollRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        limiter.Admit(context);
        var issued = await StorageGuard.RunAsync(() => credentials.RedeemAsync(request.Code, context.CancellationToken), context.CancellationToken)
            .ConfigureAwait(false);
        if (issued is not var (storeId, credential))
        {
            LogRefused(logger);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The enrollment code is unknown, already used or expired."));
        }

        LogEnrolled(logger, storeId);
        return new EnrollReply { StoreId = storeId, Credential = credential };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An agent enrolled for store {StoreId}")]
    private static partial void LogEnrolled(ILogger logger, string storeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An enrollment code was refused (unknown, used or expired)")]
    private static partial void LogRefused(ILogger logger);
}
