using Grpc.Core;
using Grpc.Core.Interceptors;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Credentials;

/// <summary>
/// Every upload names its store by credential ("authorization: Bearer …"), never by payload: the
/// store found here is the only identity the ingest service trusts.
/// </summary>
public sealed class StoreAuthenticationInterceptor(StoreCredentials credentials) : Interceptor
{
    private const string StoreKey = "norsjo.store";

    public static Store AuthenticatedStore(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(StoreKey, out var store) && store is Store s
            ? s
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "No store credential on this call."));
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var header = context.RequestHeaders.GetValue("authorization");
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A store credential is required (authorization: Bearer …)."));
        }

        var store = await StorageGuard.RunAsync(
            () => credentials.AuthenticateAsync(header[scheme.Length..].Trim(), context.CancellationToken), context.CancellationToken)
            .ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Unknown or revoked store credential."));
        context.UserState[StoreKey] = store;
        return await continuation(request, context).ConfigureAwait(false);
    }
}
