using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// Every way the hub refuses an upload, each tried for real over TLS, and each checked to have
/// stored nothing.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class IngestRulesTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-norsjo";
    private const string OtherStore = "butik-norsjovallen";

    private sealed record Count(long Receipts);

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    private static async Task AssertNothingStoredAsync(RunningHub hub) =>
        Assert.Equal(0, (await hub.Database.QueryAsync<Count>("SELECT count() AS Receipts FROM receipts")).Single().Receipts);

    [Fact]
    public async Task Unknown_missing_and_revoked_credentials_are_unauthenticated_and_another_stores_batch_is_denied()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId, OtherStore);
        var mine = await hub.EnrollAsync(StoreId);
        var other = await hub.EnrollAsync(OtherStore);
        using var channel = hub.Channel();
        var client = new Ingest.IngestClient(channel);
        var batch = Batch(StoreId, "b1", Sale("k1", 100));

        Assert.Equal(StatusCode.Unauthenticated, (await Refused(() => client.UploadBatchAsync(batch, RunningHub.Credential("guessed")).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Refused(() => client.UploadBatchAsync(batch).ResponseAsync)).StatusCode);

        var denied = await Refused(() => client.UploadBatchAsync(batch, RunningHub.Credential(other)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains(OtherStore, denied.Status.Detail, StringComparison.Ordinal);

        Assert.Equal(1, await hub.Services.GetRequiredService<StoreCredentials>().RevokeAsync(StoreId));
        Assert.Equal(StatusCode.Unauthenticated, (await Refused(() => client.UploadBatchAsync(batch, RunningHub.Credential(mine)).ResponseAsync)).StatusCode);
        await AssertNothingStoredAsync(hub);
    }

    [Fact]
    public async Task An_enrollment_code_works_once()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var code = await hub.Services.GetRequiredService<StoreCredentials>().IssueEnrollmentCodeAsync(StoreId);
        using var channel = hub.Channel();
        var enrollment = new Enrollment.EnrollmentClient(channel);

        var first = await enrollment.EnrollAsync(new EnrollRequest { Code = code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal) });
        Assert.Equal(StoreId, first.StoreId);
        Assert.True(first.Credential.Length >= 40);

        var again = await Refused(() => enrollment.EnrollAsync(new EnrollRequest { Code = code }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, again.StatusCode);
        var expired = await hub.Services.GetRequiredService<StoreCredentials>().IssueEnrollmentCodeAsync(StoreId, TimeSpan.FromMilliseconds(-1));
        Assert.Equal(StatusCode.Unauthenticated, (await Refused(() => enrollment.EnrollAsync(new EnrollRequest { Code = expired }).ResponseAsync)).StatusCode);
    }

    public static TheoryData<string, string> ImpossibleContent() => new()
    {
        { "negative-sale", "receipts[1].lines[0].gross_ore" },
        { "future", "receipts[1].date" },
        { "before-opening", "receipts[1].date" },
        { "unknown-channel", "receipts[1].channel" },
        { "unknown-payment", "receipts[1].payments[0].method" },
        { "odd-vat", "receipts[1].lines[0].vat_rate_basis_points" },
        { "bad-date", "receipts[1].date" },
        { "delivery-distance", "home_deliveries[0].distance_m" },
    };

    [Theory]
    [MemberData(nameof(ImpossibleContent))]
    public async Task Impossible_content_is_invalid_names_the_field_and_stores_nothing_of_the_batch(string fault, string field)
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var headers = RunningHub.Credential(await hub.EnrollAsync(StoreId));
        using var channel = hub.Channel();
        var bad = Sale("bad", 500);
        switch (fault)
        {
            case "negative-sale": bad.Lines[0].GrossOre = -500; break;
            case "future": bad.Date = Date(DateOnly.FromDateTime(DateTime.Today.AddDays(30))); break;
            case "before-opening": bad.Date = Date(new DateOnly(2019, 12, 31)); break;
            case "unknown-channel": bad.Channel = (Channel)42; break;
            case "unknown-payment": bad.Payments[0].Method = (PaymentMethod)9; break;
            case "odd-vat": bad.Lines[0].VatRateBasisPoints = 1900; break;
            case "bad-date": bad.Date = new LocalDate { Year = 2026, Month = 2, Day = 30 }; break;
        }

        var batch = Batch(StoreId, "b-" + fault, Sale("good", 100), bad);
        if (fault == "delivery-distance")
        {
            batch.Receipts.RemoveAt(1);
            batch.Receipts.Add(Sale("fine", 100));
            batch.HomeDeliveries.Add(new HomeDelivery { DeliveryKey = "d", HouseholdKey = "h", Date = Date(new DateOnly(2026, 11, 20)), DistanceM = -5, Locality = "Kusfors" });
        }

        var refused = await Refused(() => new Ingest.IngestClient(channel).UploadBatchAsync(batch, headers).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(field + ":", refused.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(hub);
    }

    [Fact]
    public async Task A_message_over_the_configured_size_is_resource_exhausted()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Ingest:MaxBatchBytes=20000"]), StoreId);
        var headers = RunningHub.Credential(await hub.EnrollAsync(StoreId));
        using var channel = hub.Channel();
        var big = Batch(StoreId, "big", [.. Enumerable.Range(0, 500).Select(i => Sale($"k{i}", 100 + i))]);

        var refused = await Refused(() => new Ingest.IngestClient(channel).UploadBatchAsync(big, headers).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        await AssertNothingStoredAsync(hub);
    }

    /// <remarks>
    /// Alone (Support/RunAlone.cs): the bucket refills by the wall clock (System.Threading.RateLimiting
    /// takes no TimeProvider), so three uploads must fit in a second; beside two other test processes
    /// they did not (failed in ./norsjo test's first three-process run).
    /// </remarks>
    [Fact]
    [Trait(RunAlone.Trait, RunAlone.Value)]
    public async Task Too_many_uploads_from_one_store_are_resource_exhausted_with_a_retry_hint()
    {
        await RunAlone.WaitForOthersAsync();
        await using var hub = await RunningHub.StartAsync(clickHouse.Url,
            new HubSettings(ExtraArgs: ["--Ingest:UploadsPerSecondPerStore=1", "--Ingest:UploadBurstPerStore=2"]), StoreId);
        var headers = RunningHub.Credential(await hub.EnrollAsync(StoreId));
        using var channel = hub.Channel();
        var client = new Ingest.IngestClient(channel);

        await client.UploadBatchAsync(Batch(StoreId, "r1", Sale("k1", 100)), headers);
        await client.UploadBatchAsync(Batch(StoreId, "r2", Sale("k2", 100)), headers);
        var refused = await Refused(() => client.UploadBatchAsync(Batch(StoreId, "r3", Sale("k3", 100)), headers).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var hint = refused.Trailers.GetValue("retry-after-ms");
        Assert.NotNull(hint);
        Assert.InRange(long.Parse(hint, System.Globalization.CultureInfo.InvariantCulture), 1, 1000);
    }

    [Fact]
    public async Task The_hub_is_only_reached_by_clients_that_verify_its_certificate()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        var credential = await hub.EnrollAsync(StoreId);
        using var otherTls = new TempFolder("other-tls");
        Norsjo.Retail.Hub.Security.DevelopmentCertificate.LoadOrCreate(otherTls.Path).Dispose();
        var wrongPin = Path.Combine(otherTls.Path, Norsjo.Retail.Hub.Security.DevelopmentCertificate.PemName);

        using var pinnedToAnother = Norsjo.Retail.Agent.Upload.HubChannel.Create(hub.GrpcUrl, wrongPin);
        using var systemTrust = Norsjo.Retail.Agent.Upload.HubChannel.Create(hub.GrpcUrl, null);
        using var plain = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{hub.GrpcUrl.Port}"));
        foreach (var channel in new[] { pinnedToAnother, systemTrust, plain })
        {
            var refused = await Refused(() => new Ingest.IngestClient(channel)
                .UploadBatchAsync(Batch(StoreId, "tls", Sale("k1", 100)), RunningHub.Credential(credential)).ResponseAsync);
            // grpc-dotnet reports a failed TLS handshake as INTERNAL, a refused connection as UNAVAILABLE.
            Assert.True(refused.StatusCode is StatusCode.Internal or StatusCode.Unavailable, refused.ToString());
        }

        await AssertNothingStoredAsync(hub);
    }

    private static LocalDate Date(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
}
