using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Norsjo.Retail.Hub.Stores;

/// <summary>
/// Every call names its store by credential ("authorization: Bearer …"), never by payload: the
/// store found here is the only identity the services trust.
/// </summary>
public sealed class StoreAuthenticationInterceptor(StoreRegistry registry) : Interceptor
{
    private const string StoreKey = "norsjo.store";

    public static StoreOptions AuthenticatedStore(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(StoreKey, out var store) && store is StoreOptions s
            ? s
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "No store credential on this call."));
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
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

        var store = registry.FindByCredential(header[scheme.Length..].Trim())
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Unknown or revoked store credential."));
        context.UserState[StoreKey] = store;
        return continuation(request, context);
    }
}
