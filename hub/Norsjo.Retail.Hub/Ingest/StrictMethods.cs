using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// Binds the hub's gRPC methods with a request marshaller that answers bytes which are not a valid
/// message with INVALID_ARGUMENT. grpc-dotnet parses the request before any interceptor or handler
/// runs, and reports a parse failure (InvalidProtocolBufferException) as UNKNOWN "Exception was
/// thrown by handler."; an RpcException thrown by the marshaller is sent with its own status. The
/// generated marshallers are private, so the services bind here instead of through the generated
/// BindService (they implement the methods without deriving from the generated base class).
/// </summary>
public static class StrictMethods
{
    public sealed class IngestMethods : IServiceMethodProvider<IngestService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<IngestService> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            context.AddUnaryMethod(Unary<UploadBatchRequest, UploadBatchReply>(Contracts.V1.Ingest.Descriptor, "UploadBatch"), [],
                (service, request, call) => service.UploadBatch(request, call));
            context.AddUnaryMethod(Unary<ReportHealthRequest, ReportHealthReply>(Contracts.V1.Ingest.Descriptor, "ReportHealth"), [],
                (service, request, call) => service.ReportHealth(request, call));
        }
    }

    public sealed class EnrollmentMethods : IServiceMethodProvider<EnrollmentService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<EnrollmentService> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            context.AddUnaryMethod(Unary<EnrollRequest, EnrollReply>(Enrollment.Descriptor, "Enroll"), [],
                (service, request, call) => service.Enroll(request, call));
        }
    }

    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(Google.Protobuf.Reflection.ServiceDescriptor service, string name)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(service);
        var method = service.FindMethodByName(name) ?? throw new ArgumentException($"{service.FullName} has no method {name}.", nameof(name));
        return new Method<TRequest, TResponse>(MethodType.Unary, service.FullName, method.Name, Refusing<TRequest>(), Marshaller<TResponse>());
    }

    private static Marshaller<T> Refusing<T>()
        where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        var name = new T().Descriptor.Name;
        return Marshallers.Create(Serialize<T>, context =>
        {
            try
            {
                return parser.ParseFrom(context.PayloadAsReadOnlySequence());
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"request: not a valid {name} message ({e.Message})"));
            }
        });
    }

    private static Marshaller<T> Marshaller<T>()
        where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(Serialize<T>, context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }

    private static void Serialize<T>(T message, SerializationContext context)
        where T : IMessage<T>
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }
}
