using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Norsjo.Retail.Agent.Sources.PosPlugin;

/// <summary>One unary call a till may make: its path (/package.Service/Method) and what answers it.</summary>
public sealed record UnaryGrpcMethod(string Path, Func<ReadOnlySequence<byte>, IMessage> Answer)
{
    public static UnaryGrpcMethod For<TRequest>(MethodDescriptor method, MessageParser<TRequest> parser, Func<TRequest, IMessage> answer)
        where TRequest : IMessage<TRequest>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(parser);
        return new($"/{method.Service.FullName}/{method.Name}", body => answer(parser.ParseFrom(body)));
    }
}

/// <summary>
/// gRPC's unary calls over HTTP/2, straight on Kestrel, for the POS plug-in endpoint. Kestrel does
/// HTTP/2; what gRPC adds to a unary call is a 5-byte prefix on each message and the status in the
/// trailers (grpc/PROTOCOL-HTTP2.md). Serving it through ASP.NET Core's hosting, routing and
/// Grpc.AspNetCore.Server put 3 MB into the native agent's idle memory (agent/README.md, "Native
/// build") for two calls; streaming and compression are not offered (the contract has neither).
/// </summary>
public sealed partial class UnaryGrpcApplication(IReadOnlyList<UnaryGrpcMethod> methods, ILogger logger) : IHttpApplication<IFeatureCollection>
{
    /// <summary>gRPC's default largest message a server receives.</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    private const int PrefixBytes = 5;

    private readonly Dictionary<string, UnaryGrpcMethod> _byPath = methods.ToDictionary(m => m.Path, StringComparer.Ordinal);

    public IFeatureCollection CreateContext(IFeatureCollection contextFeatures) => contextFeatures;

    public void DisposeContext(IFeatureCollection context, Exception? exception)
    {
    }

    public async Task ProcessRequestAsync(IFeatureCollection context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.GetRequiredFeature<IHttpRequestFeature>();
        var response = context.GetRequiredFeature<IHttpResponseFeature>();
        var body = context.GetRequiredFeature<IHttpResponseBodyFeature>();
        if (!HttpMethods.IsPost(request.Method) || !IsGrpc(request.Headers.ContentType))
        {
            // As Grpc.AspNetCore answers a request that is not gRPC at all.
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.ContentType = "application/grpc";
        // Kestrel's own trailer collection (HTTP/2 sends it after the message): a new one set here would not be sent.
        var trailers = context.GetRequiredFeature<IHttpResponseTrailersFeature>().Trailers;
        var (status, reply) = await AnswerAsync(request, context.GetRequiredFeature<IRequestBodyPipeFeature>().Reader).ConfigureAwait(false);
        if (reply is not null)
        {
            var message = reply.ToByteArray();
            var framed = new byte[PrefixBytes + message.Length];
            BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
            message.CopyTo(framed.AsSpan(PrefixBytes));
            await body.Writer.WriteAsync(framed).ConfigureAwait(false);
        }

        trailers["grpc-status"] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
        if (status.Detail.Length > 0)
        {
            trailers["grpc-message"] = PercentEncoded(status.Detail);
        }

        if (status.StatusCode == StatusCode.Unimplemented && request.Headers.ContainsKey("grpc-encoding"))
        {
            trailers["grpc-accept-encoding"] = "identity";
        }

        await body.CompleteAsync().ConfigureAwait(false);
    }

    private async Task<(Status Status, IMessage? Reply)> AnswerAsync(IHttpRequestFeature request, PipeReader reader)
    {
        if (!_byPath.TryGetValue(request.Path, out var method))
        {
            return (new Status(StatusCode.Unimplemented, $"{request.Path} is not a call this endpoint has."), null);
        }

        var (problem, message) = await ReadMessageAsync(reader, request.Headers).ConfigureAwait(false);
        if (problem is not null)
        {
            return (problem.Value, null);
        }

        try
        {
            return (Status.DefaultSuccess, method.Answer(message));
        }
        catch (RpcException e)
        {
            return (e.Status, null);
        }
        catch (InvalidProtocolBufferException)
        {
            return (new Status(StatusCode.Internal, "The message could not be read as the call's protobuf message."), null);
        }
#pragma warning disable CA1031 // whatever went wrong in a call is the till's INTERNAL, not the endpoint's end
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogCallFailed(logger, method.Path, e);
            return (new Status(StatusCode.Internal, "The agent could not take the call; it is in the agent's log."), null);
        }
    }

    /// <summary>The request's one length-prefixed message, read whole to the end of the request (at most <see cref="MaxMessageBytes"/>).</summary>
    private static async Task<(Status? Problem, ReadOnlySequence<byte> Message)> ReadMessageAsync(PipeReader reader, IHeaderDictionary headers)
    {
        var prefix = new byte[PrefixBytes];
        while (true)
        {
            var read = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = read.Buffer;
            if (buffer.Length >= PrefixBytes)
            {
                buffer.Slice(0, PrefixBytes).CopyTo(prefix);
                var length = BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1));
                if (prefix[0] != 0)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    return (headers.ContainsKey("grpc-encoding")
                        ? new Status(StatusCode.Unimplemented, "Compressed messages are not taken; send them uncompressed (identity).")
                        : new Status(StatusCode.Internal, "A compressed message came without grpc-encoding."), default);
                }

                if (length > MaxMessageBytes)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    return (new Status(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({MaxMessageBytes} bytes)."), default);
                }

                if (buffer.Length > PrefixBytes + length)
                {
                    // A unary call is one message: anything after it is a broken call, as grpc-dotnet says.
                    reader.AdvanceTo(buffer.End);
                    return (new Status(StatusCode.Internal, "Additional data after the message received."), default);
                }

                if (buffer.Length == PrefixBytes + length && read.IsCompleted)
                {
                    // Copied out: the pipe's buffer is only ours until the next AdvanceTo.
                    var message = new ReadOnlySequence<byte>(buffer.Slice(PrefixBytes, length).ToArray());
                    reader.AdvanceTo(buffer.End);
                    return (null, message);
                }
            }

            if (read.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return (new Status(StatusCode.Internal, "Incomplete message."), default);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool IsGrpc(string? contentType) =>
        contentType is not null
        && (contentType.Equals("application/grpc", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/grpc+proto", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/grpc;", StringComparison.OrdinalIgnoreCase));

    /// <summary>grpc-message's encoding: UTF-8, with '%' and every byte outside printable ASCII as %XX (the Swedish letters of a refusal).</summary>
    internal static string PercentEncoded(string text)
    {
        var encoded = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                encoded.Append((char)b);
            }
        }

        return encoded.ToString();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The POS plug-in's call {Path} failed")]
    private static partial void LogCallFailed(ILogger logger, string path, Exception error);
}
