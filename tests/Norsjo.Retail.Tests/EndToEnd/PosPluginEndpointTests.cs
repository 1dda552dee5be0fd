using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.EndToEnd;

/// <summary>
/// The POS plug-in endpoint is gRPC's unary protocol served straight on Kestrel (issue 21: ASP.NET
/// Core's hosting and Grpc.AspNetCore cost the native agent 3 MB at idle). It must answer a till as
/// a gRPC server does, broken calls included, in both builds.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class PosPluginEndpointTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-norsjovallen";
    private const string RecordSale = "/norsjo.retail.v1.PosPlugin/RecordSale";

    [Fact]
    public async Task The_endpoint_answers_unknown_calls_broken_messages_and_refusals_as_a_gRPC_server_does()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var port = FreePort.Next();
        await using var agent = await RunningAgent.StartAsync(hub, StoreId, await hub.EnrollAsync(StoreId),
            "--Agent:PosPlugin:Enabled=true", $"--Agent:PosPlugin:Port={port}");
        using var http = new HttpClient();
        var sale = Framed(0, Sale("70").ToByteArray());
        await Eventually.WaitUntilAsync(async () =>
        {
            try
            {
                return (await CallAsync(http, port, "/norsjo.retail.v1.PosPlugin/Nothing", sale)).GrpcStatus == "12";
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the endpoint answers an unknown call with UNIMPLEMENTED", () => Task.FromResult(string.Join('\n', agent.Log.TakeLast(10))));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await CallAsync(http, port, RecordSale, sale, "application/json")).Status);
        var compressed = await CallAsync(http, port, RecordSale, Framed(1, [1, 2, 3]), encoding: "gzip");
        Assert.Equal(("12", "identity"), (compressed.GrpcStatus, compressed.AcceptEncoding));
        Assert.Equal("13", (await CallAsync(http, port, RecordSale, Framed(1, [1, 2, 3]))).GrpcStatus);
        // Larger than gRPC's 4 MB: refused from its prefix, before it is read.
        var huge = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(huge.AsSpan(1), 5 * 1024 * 1024);
        Assert.Equal("8", (await CallAsync(http, port, RecordSale, huge)).GrpcStatus);
        Assert.Equal("13", (await CallAsync(http, port, RecordSale, sale[..^3])).GrpcStatus);
        // Two sales in one unary call: refused whole, neither stored (a till must not think one went through).
        Assert.Equal("13", (await CallAsync(http, port, RecordSale, [.. sale, .. Framed(0, Sale("73").ToByteArray())])).GrpcStatus);
        Assert.Equal("13", (await CallAsync(http, port, RecordSale, Framed(0, [0xFF, 0xFF, 0xFF, 0xFF]))).GrpcStatus);

        // A refusal's Swedish text reaches a gRPC client whole (grpc-message is percent-encoded UTF-8).
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new PosPlugin.PosPluginClient(channel);
        var unknownChannel = Sale("71");
        unknownChannel.Channel = (Channel)99;
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.RecordSaleAsync(unknownChannel).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "channel är okänd."), (refused.StatusCode, refused.Status.Detail));
        var ack = await client.RecordSaleAsync(Sale("72"));
        Assert.Equal(("72", true), (ack.ReceiptNumber, ack.Stored));
        var service = await client.RecordServiceAsync(new PosService { TransactionId = "T-1", LocalTime = "2026-11-20T14:05:00", Kind = ServiceKind.PaketUtlamnat });
        Assert.Equal(("T-1", true), (service.TransactionId, service.Stored));

        // Of every sale sent above, only the one answered as stored reaches the hub.
        await Eventually.WaitUntilAsync(() => agent.Outbox.Status().Items == 0, "delivered");
        Assert.Equal(new Stored(1, 20_000), (await hub.Database.QueryAsync<Stored>(StoredSql)).Single());
    }

    [NativeAgentFact]
    public async Task The_native_agent_takes_a_tills_sale_through_the_POS_plugin_and_refuses_an_impossible_one()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var credential = await hub.EnrollAsync(StoreId);
        using var folder = new TempFolder("agent-pos-native");
        var port = FreePort.Next();
        using var agent = AgentProcess.Start(AgentBuild.Native,
            [.. RunningAgent.AgentArgs(folder.Path, hub.GrpcUrl, hub.CertificatePath, StoreId, credential), "--Agent:PosPlugin:Enabled=true", $"--Agent:PosPlugin:Port={port}"]);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new PosPlugin.PosPluginClient(channel);
        await Eventually.WaitUntilAsync(() =>
        {
            try
            {
                return client.RecordSale(Sale("80")).Stored;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, "the native agent's endpoint takes a sale", () => string.Join('\n', agent.Output.TakeLast(10)));

        var impossible = Sale("81");
        impossible.Items[0].VatPercent = 19;
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.RecordSaleAsync(impossible).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("items[0].vat_percent", refused.Status.Detail, StringComparison.Ordinal);
        await Eventually.WaitUntilAsync(async () => (await hub.Database.QueryAsync<Stored>(StoredSql)).Single().Receipts == 1,
            "the sale reached ClickHouse", () => Task.FromResult(string.Join('\n', agent.Output.TakeLast(10))));
        Assert.Equal(new Stored(1, 20_000), (await hub.Database.QueryAsync<Stored>(StoredSql)).Single());
    }

    private const string StoredSql = "SELECT toInt64(count()) AS Receipts, toInt64(sum(gross_ore)) AS GrossOre FROM receipts FINAL";

    private sealed record Stored(long Receipts, long GrossOre);

    private static PosSale Sale(string number) => new()
    {
        ReceiptNumber = number,
        LocalTime = "2026-11-20T14:02:09",
        Items = { new PosSaleItem { Category = "dagligvaror", VatPercent = 12, AmountOre = 20_000, QuantityMilli = 1000 } },
        Payments = { new PosSalePayment { Method = PaymentMethod.Card, AmountOre = 20_000 } },
    };

    private static byte[] Framed(byte compressed, byte[] message)
    {
        var framed = new byte[5 + message.Length];
        framed[0] = compressed;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed.AsSpan(5));
        return framed;
    }

    private sealed record Answer(HttpStatusCode Status, string? GrpcStatus, string? AcceptEncoding);

    /// <summary>One call as bytes on HTTP/2 without TLS (the endpoint's plain loopback HTTP/2), trailers read.</summary>
    private static async Task<Answer> CallAsync(HttpClient http, int port, string path, byte[] body, string contentType = "application/grpc", string? encoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return new Answer(response.StatusCode, Trailer(response, "grpc-status"), Trailer(response, "grpc-accept-encoding"));
    }

    private static string? Trailer(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) ? values.Single() : null;
}
