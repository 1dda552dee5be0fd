using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.Ingest;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Support.SampleBatches;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// No input can poison a figure: every amount, count and text past its limit (IngestLimits), every
/// inconsistent receipt or day, and bytes that are no message at all are refused as INVALID_ARGUMENT
/// naming the field, with nothing of the batch stored; a receipt sent again replaces the earlier
/// one whole. On one real hub and ClickHouse, over TLS.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class IngestLimitsTests(IngestLimitsTests.LimitsHub fixture) : IClassFixture<IngestLimitsTests.LimitsHub>
{
    private const string StoreId = LimitsHub.StoreId;
    private static readonly DateOnly Day = new(2026, 11, 20);

    private sealed record Count(long N);

    private sealed record Sums(string Key, long Ore);

    public sealed class LimitsHub(ClickHouseServerFixture clickHouse) : IAsyncLifetime
    {
        public const string StoreId = "butik-bastutrask";

        public RunningHub Hub { get; private set; } = null!;

        public Metadata Headers { get; private set; } = null!;

        public Grpc.Net.Client.GrpcChannel Channel { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Ingest:UploadBurstPerStore=1000"]), StoreId);
            Headers = RunningHub.Credential(await Hub.EnrollAsync(StoreId));
            Channel = Hub.Channel();
        }

        public async Task DisposeAsync()
        {
            Channel.Dispose();
            await Hub.DisposeAsync();
        }
    }

    public static TheoryData<string, string> Poison() => new()
    {
        { "line-int64-max", "receipts[1].lines[0].gross_ore" },
        { "lines-overflow", "receipts[1].lines[0].gross_ore" },
        { "vat-int64-min", "receipts[1].lines[0].vat_ore" },
        { "vat-above-rate", "receipts[1].lines[0].vat_ore" },
        { "quantity-int64-max", "receipts[1].lines[0].quantity_milli" },
        { "payment-int64-min", "receipts[1].payments[0].amount_ore" },
        { "payment-million-on-1-kr", "receipts[1].payments" },
        { "category-control-character", "receipts[1].lines[0].category" },
        { "too-many-lines", "receipts[1].lines" },
        { "locality-100000-characters", "home_deliveries[0].locality" },
        { "order-value-int64-max", "home_deliveries[0].order_value_ore" },
        { "day-negative-sales-vat-above-gross", "daily_totals[0].sales[0].vat_ore" },
        { "day-sales-int64-max", "daily_totals[0].sales[0].gross_ore" },
        { "z-report-payments-not-its-sales", "daily_totals[0].payments" },
        { "day-receipt-count-int32-max", "daily_totals[0].receipt_count" },
        { "agent-version-too-long", "agent_version" },
    };

    [Theory]
    [MemberData(nameof(Poison))]
    public async Task Content_past_a_limit_or_inconsistent_is_invalid_names_the_field_and_stores_nothing(string fault, string field)
    {
        var bad = Sale("bad-" + fault, 100);
        var batch = Batch(StoreId, "b-" + fault, Sale("good-" + fault, 100), bad);
        var delivery = new HomeDelivery { DeliveryKey = "d-" + fault, HouseholdKey = "h", Date = Date(Day), DistanceM = 5_000, Locality = "Kusfors", OrderValueOre = 100 };
        var day = new DailyTotal
        {
            Date = Date(Day),
            Source = DailySource.ZReport,
            ReceiptCount = 10,
            Sales = { new DailySales { Category = "dagligvaror", VatRateBasisPoints = 1200, GrossOre = 100_000, VatOre = 10_714 } },
            Payments = { new Payment { Method = PaymentMethod.Card, AmountOre = 100_000 } },
        };
        switch (fault)
        {
            case "line-int64-max": bad.Lines[0] = Line(long.MaxValue, 0, 0); bad.Payments[0].AmountOre = long.MaxValue; break;
            case "lines-overflow": bad.Lines[0] = Line(long.MaxValue / 2 + 1, 0, 0); bad.Lines.Add(Line(long.MaxValue / 2 + 1, 0, 0, "tobak")); bad.Payments.Clear(); break;
            case "vat-int64-min": bad.Lines[0].VatOre = long.MinValue; break;
            case "vat-above-rate": bad.Lines[0] = Line(10_000, 600, 5_000); bad.Payments[0].AmountOre = 10_000; break;
            case "quantity-int64-max": bad.Lines[0].QuantityMilli = long.MaxValue; break;
            case "payment-int64-min": bad.Payments.Add(new Payment { Method = PaymentMethod.Cash, AmountOre = long.MinValue }); bad.Payments.Add(new Payment { Method = PaymentMethod.Cash, AmountOre = long.MinValue }); bad.Payments.RemoveAt(0); break;
            case "payment-million-on-1-kr": bad.Payments[0].AmountOre = 100_000_000; break;
            case "category-control-character": bad.Lines[0].Category = "dagligvaror\t9999"; break;
            case "too-many-lines": bad.Lines.AddRange(Enumerable.Range(0, IngestLimits.MaxLinesPerReceipt).Select(i => Line(0, 600, 0, "c" + i))); break;
            case "locality-100000-characters": delivery.Locality = new string('K', 100_000); break;
            case "order-value-int64-max": delivery.OrderValueOre = long.MaxValue; break;
            case "day-negative-sales-vat-above-gross": day.Sales[0].GrossOre = -1_000; day.Sales[0].VatOre = -5_000; day.Payments.Clear(); break;
            case "day-sales-int64-max": day.Sales[0].GrossOre = long.MaxValue; day.Sales[0].VatOre = 0; day.Payments.Clear(); break;
            case "z-report-payments-not-its-sales": day.Payments[0].AmountOre = 100_000_000; break;
            case "day-receipt-count-int32-max": day.ReceiptCount = int.MaxValue; break;
            case "agent-version-too-long": batch.AgentVersion = new string('v', 1_000); break;
        }

        if (field.StartsWith("home_deliveries", StringComparison.Ordinal))
        {
            batch.HomeDeliveries.Add(delivery);
            batch.Receipts.RemoveAt(1);
        }
        else if (field.StartsWith("daily_totals", StringComparison.Ordinal))
        {
            batch.DailyTotals.Add(day);
            batch.Receipts.RemoveAt(1);
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client().UploadBatchAsync(batch, fixture.Headers).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(field + ":", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync($"SELECT count() AS N FROM receipts WHERE receipt_key = {SqlLiteral.Text("good-" + fault)}"));
        Assert.Equal(0, await CountAsync($"SELECT count() AS N FROM ingest_batches WHERE batch_id = {SqlLiteral.Text(batch.BatchId)}"));
    }

    [Fact]
    public async Task Amounts_at_the_limits_are_stored_and_the_day_they_make_does_not_wrap()
    {
        var date = new DateOnly(2026, 10, 5);
        var receipts = Enumerable.Range(0, 200).Select(i =>
        {
            var receipt = Sale($"edge-{i}", IngestLimits.MaxReceiptOre, date);
            receipt.Lines[0].VatOre = IngestLimits.MaxReceiptOre * 600 / 10_600;
            return receipt;
        }).ToArray();

        await Client().UploadBatchAsync(Batch(StoreId, "edge", receipts), fixture.Headers);

        var trend = await fixture.Hub.Services.GetRequiredService<StoreAnalytics>().TrendAsync(StoreId, "day", date, date, CancellationToken.None);
        Assert.Equal(200 * IngestLimits.MaxReceiptOre / 100m, Assert.Single(trend).GrossKr);
        Assert.Equal(200 * IngestLimits.MaxReceiptOre, await CountAsync(
            $"SELECT sum(gross_ore) AS N FROM sales_daily FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} AND sale_date = {SqlLiteral.Date(date)}"));
    }

    [Fact]
    public async Task Bytes_that_are_no_message_are_invalid_argument_not_unknown()
    {
        var raw = new Method<byte[], byte[]>(MethodType.Unary, "norsjo.retail.v1.Ingest", "UploadBatch",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var invoker = fixture.Channel.CreateCallInvoker();
        // A length-delimited field whose length runs past the end, and a string that is not UTF-8.
        foreach (var bytes in new[] { new byte[] { 0x0A, 0xFF, 0xFF, 0x01 }, [0x0A, 0x02, 0xC3, 0x28] })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() =>
                invoker.AsyncUnaryCall(raw, null, new CallOptions(fixture.Headers), bytes).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.StartsWith("request:", refused.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_receipt_sent_again_replaces_the_earlier_one_whole_lines_and_payments_too()
    {
        var date = new DateOnly(2026, 9, 14);
        var first = Sale("again", 10_000, date);
        await Client().UploadBatchAsync(Batch(StoreId, "again-1", first), fixture.Headers);

        // The same receipt corrected in the till: another category and VAT rate, another payment method, another hour, 200 kr.
        var second = Sale("again", 20_000, date);
        second.MinuteOfDay = 15 * 60;
        second.Lines[0] = Line(20_000, 2500, 4_000, "tobak");
        second.Payments[0] = new Payment { Method = PaymentMethod.Cash, AmountOre = 20_000 };
        await Client().UploadBatchAsync(Batch(StoreId, "again-2", second), fixture.Headers);

        var analytics = fixture.Hub.Services.GetRequiredService<StoreAnalytics>();
        var trend = Assert.Single(await analytics.TrendAsync(StoreId, "day", date, date, CancellationToken.None));
        Assert.Equal((1, 200m), (trend.Receipts, trend.GrossKr));
        var hours = await analytics.HoursAsync(StoreId, date, date, CancellationToken.None);
        Assert.Equal([(15, 1L)], hours.Where(h => h.Receipts != 0).Select(h => (h.Hour, h.Receipts)));
        var categories = await analytics.CategoriesAsync(StoreId, date, date, CancellationToken.None);
        Assert.Equal([("tobak", 200m, 40m)], categories.Where(c => c.GrossKr != 0).Select(c => (c.Category, c.GrossKr, c.VatKr)));
        var payments = await analytics.PaymentsAsync(StoreId, date, date, CancellationToken.None);
        Assert.Equal([("cash", 200m)], payments.Methods.Where(m => m.AmountKr != 0).Select(m => (m.Method, m.AmountKr)));
        Assert.Equal(1m, payments.CashShare);

        // Twice in one batch: the later copy is the receipt.
        var third = Sale("again", 5_000, date);
        await Client().UploadBatchAsync(Batch(StoreId, "again-3", Sale("again", 7_000, date), third), fixture.Headers);
        trend = Assert.Single(await analytics.TrendAsync(StoreId, "day", date, date, CancellationToken.None));
        Assert.Equal((1, 50m), (trend.Receipts, trend.GrossKr));
        Assert.Equal(5_000, await CountAsync(
            $"SELECT sum(gross_ore) AS N FROM sales_daily FINAL WHERE store_id = {SqlLiteral.Text(StoreId)} AND sale_date = {SqlLiteral.Date(date)}"));
    }

    [Fact]
    public async Task A_home_delivery_sent_again_replaces_the_earlier_one_in_the_stores_deliveries()
    {
        var date = new DateOnly(2026, 9, 15);
        HomeDelivery Delivery(string locality, long orderOre, int distanceM) =>
            new() { DeliveryKey = "again-d", HouseholdKey = "hh-again", Date = Date(date), Locality = locality, OrderValueOre = orderOre, DistanceM = distanceM };

        var first = Batch(StoreId, "again-d-1");
        first.HomeDeliveries.Add(Delivery("Kusfors", 30_000, 4_000));
        await Client().UploadBatchAsync(first, fixture.Headers);

        // Corrected in a later batch: another locality and order value.
        var second = Batch(StoreId, "again-d-2");
        second.HomeDeliveries.Add(Delivery("Bastuträsk", 45_000, 6_000));
        await Client().UploadBatchAsync(second, fixture.Headers);

        var analytics = fixture.Hub.Services.GetRequiredService<StoreAnalytics>();
        var figures = await analytics.DeliveriesAsync(StoreId, date, date, CancellationToken.None);
        Assert.Equal([("Bastuträsk", 1L, 1L, 450m, 6.0m)], figures.Select(f => (f.Locality, f.Deliveries, f.Households, f.OrderValueKr, f.AverageDistanceKm)));

        // Twice in one batch: the later copy is the delivery, as for receipts.
        var third = Batch(StoreId, "again-d-3");
        third.HomeDeliveries.Add(Delivery("Kusfors", 10_000, 2_000));
        third.HomeDeliveries.Add(Delivery("Norsjövallen", 20_000, 3_000));
        await Client().UploadBatchAsync(third, fixture.Headers);
        figures = await analytics.DeliveriesAsync(StoreId, date, date, CancellationToken.None);
        Assert.Equal([("Norsjövallen", 1L, 1L, 200m, 3.0m)], figures.Select(f => (f.Locality, f.Deliveries, f.Households, f.OrderValueKr, f.AverageDistanceKm)));
    }

    private Ingest.IngestClient Client() => new(fixture.Channel);

    private async Task<long> CountAsync(string sql) => (await fixture.Hub.Database.QueryAsync<Count>(sql)).Single().N;

    private static ReceiptLine Line(long gross, int rate, long vat, string category = "dagligvaror") =>
        new() { Category = category, VatRateBasisPoints = rate, GrossOre = gross, VatOre = vat, QuantityMilli = 1000 };

    private static LocalDate Date(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
}
