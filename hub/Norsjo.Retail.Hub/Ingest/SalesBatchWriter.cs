using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.SalesIndex;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// Writes one validated batch into ClickHouse. The batch's own row is written last, so its presence
/// means everything before it is stored; a batch interrupted half-way is simply written again, and
/// the ReplacingMergeTree keys make the second copy count once.
/// </summary>
public sealed partial class SalesBatchWriter(ClickHouseStorage storage, TimeProvider time, IngestVersions versions)
{
    private sealed record StoredBatch(string BatchId);

    public async Task<bool> IsStoredAsync(string storeId, string batchId, CancellationToken cancellationToken)
    {
        var rows = await storage.Database.QueryAsync<StoredBatch>(
            $"SELECT batch_id AS BatchId FROM ingest_batches WHERE store_id = {SqlLiteral.Text(storeId)} " +
            $"AND batch_id = {SqlLiteral.Text(batchId)} LIMIT 1",
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    public async Task WriteAsync(string storeId, UploadBatchRequest batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = time.GetUtcNow();
        var version = versions.Next();
        var db = storage.Database;

        var receipts = new TabSeparatedRows();
        var lines = new TabSeparatedRows();
        var payments = new TabSeparatedRows();
        // A receipt twice in one batch (a till that exported a corrected receipt again): the last copy is the receipt.
        var newest = batch.Receipts
            .GroupBy(r => (Date: BatchValidator.ToDate(r.Date, "receipt.date"), r.ReceiptKey))
            .Select(g => g.Last());
        foreach (var receipt in newest)
        {
            var date = BatchValidator.ToDate(receipt.Date, "receipt.date");
            // The agent sums lines per category and VAT rate; summing again here keeps the table key
            // unique even if an agent does not.
            var grouped = receipt.Lines
                .GroupBy(l => (l.Category, l.VatRateBasisPoints, l.Returned))
                .Select(g => (g.Key, Gross: g.Sum(l => l.GrossOre), Vat: g.Sum(l => l.VatOre), Quantity: g.Sum(l => l.QuantityMilli)))
                .ToList();
            receipts.Row(
                storeId, date, receipt.ReceiptKey, receipt.MinuteOfDay, ChannelName(receipt.Channel),
                grouped.Sum(g => g.Gross), grouped.Sum(g => g.Vat),
                -grouped.Where(g => g.Key.Returned).Sum(g => g.Gross),
                batch.BatchId, version);
            foreach (var line in grouped)
            {
                lines.Row(storeId, date, receipt.ReceiptKey, line.Key.Category, line.Key.VatRateBasisPoints, line.Key.Returned,
                    line.Gross, line.Vat, line.Quantity, version);
            }

            foreach (var payment in receipt.Payments.GroupBy(p => p.Method))
            {
                payments.Row(storeId, date, receipt.ReceiptKey, PaymentName(payment.Key), payment.Sum(p => p.AmountOre), version);
            }
        }

        var dailySales = new TabSeparatedRows();
        var dailyPayments = new TabSeparatedRows();
        var dailyCounts = new TabSeparatedRows();
        var newestTotals = NewestDailyTotals(batch.DailyTotals);
        foreach (var total in newestTotals)
        {
            var date = BatchValidator.ToDate(total.Date, "daily_total.date");
            var source = SourceName(total.Source);
            foreach (var sales in total.Sales.GroupBy(s => (s.Category, s.VatRateBasisPoints)))
            {
                dailySales.Row(storeId, date, source, sales.Key.Category, sales.Key.VatRateBasisPoints,
                    sales.Sum(s => s.GrossOre), sales.Sum(s => s.VatOre), version);
            }

            foreach (var payment in total.Payments.GroupBy(p => p.Method))
            {
                dailyPayments.Row(storeId, date, source, PaymentName(payment.Key), payment.Sum(p => p.AmountOre), version);
            }

            dailyCounts.Row(storeId, date, source, total.ReceiptCount, total.ReturnCount, total.ReturnsGrossOre, version);
        }

        await AddReplacedAsync(db, storeId, newestTotals, dailySales, dailyPayments, version, cancellationToken).ConfigureAwait(false);

        // A delivery twice in one batch: the last copy is the delivery, as for receipts. Its rows then have one
        // version each, so the store's deliveries can take the newest by argMax instead of FINAL.
        var deliveries = new TabSeparatedRows();
        foreach (var delivery in batch.HomeDeliveries.GroupBy(d => (Date: BatchValidator.ToDate(d.Date, "home_delivery.date"), d.DeliveryKey)).Select(g => g.Last()))
        {
            deliveries.Row(storeId, BatchValidator.ToDate(delivery.Date, "home_delivery.date"), delivery.DeliveryKey,
                delivery.HouseholdKey, delivery.Locality, delivery.DistanceM, delivery.OrderValueOre, delivery.HouseholdRegistered, version);
        }

        await db.InsertAsync("receipt_lines", ["store_id", "sale_date", "receipt_key", "category", "vat_rate_bp", "returned", "gross_ore", "vat_ore", "quantity_milli", "version"], lines, cancellationToken).ConfigureAwait(false);
        await db.InsertAsync("receipt_payments", ["store_id", "sale_date", "receipt_key", "method", "amount_ore", "version"], payments, cancellationToken).ConfigureAwait(false);
        await db.InsertAsync("receipts", ["store_id", "sale_date", "receipt_key", "minute_of_day", "channel", "gross_ore", "vat_ore", "returned_gross_ore", "batch_id", "version"], receipts, cancellationToken).ConfigureAwait(false);
        await db.InsertAsync("daily_sales", ["store_id", "business_date", "source", "category", "vat_rate_bp", "gross_ore", "vat_ore", "version"], dailySales, cancellationToken).ConfigureAwait(false);
        await db.InsertAsync("daily_payments", ["store_id", "business_date", "source", "method", "amount_ore", "version"], dailyPayments, cancellationToken).ConfigureAwait(false);
        await db.InsertAsync("daily_counts", ["store_id", "business_date", "source", "receipt_count", "return_count", "returns_gross_ore", "version"], dailyCounts, cancellationToken).ConfigureAwait(false);
        await db.InsertAsync("home_deliveries", ["store_id", "delivery_date", "delivery_key", "household_key", "locality", "distance_m", "order_value_ore", "household_registered", "version"], deliveries, cancellationToken).ConfigureAwait(false);

        // Service volumes (issue 19): the last copy of a day and kind in the batch is the day's count; a later batch replaces it.
        var services = new TabSeparatedRows();
        foreach (var volume in batch.ServiceVolumes.GroupBy(v => (Date: BatchValidator.ToDate(v.Date, "service_volume.date"), v.Kind)).Select(g => g.Last()))
        {
            services.Row(storeId, BatchValidator.ToDate(volume.Date, "service_volume.date"), ServiceKindNames.Name(volume.Kind)!, volume.Count, volume.AmountOre, version);
        }

        await db.InsertAsync("service_volumes", ["store_id", "service_date", "kind", "transactions", "amount_ore", "version"], services, cancellationToken).ConfigureAwait(false);

        // The day aggregates the index and the dashboards read, recomputed for the days this batch touched.
        var days = batch.Receipts.Select(r => BatchValidator.ToDate(r.Date, "receipt.date")).Distinct().ToList();
        if (days.Count > 0)
        {
            foreach (var statement in Aggregates.ForStoreDays(storeId, days, versions.Next()))
            {
                await db.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
            }
        }

        // The months the index reads, recomputed after the days they are made of (receipts, Z-reports, SIE).
        var turnoverDays = days.Concat(newestTotals.Select(t => BatchValidator.ToDate(t.Date, "daily_total.date"))).ToList();
        if (turnoverDays.Count > 0)
        {
            await db.ExecuteAsync(TurnoverMonths.ForStoreDays(storeId, turnoverDays, versions.Next()), cancellationToken).ConfigureAwait(false);
        }

        var batchRow = new TabSeparatedRows().Row(
            storeId, batch.BatchId, DateOnly.FromDateTime(now.UtcDateTime), batch.Receipts.Count, batch.DailyTotals.Count,
            batch.HomeDeliveries.Count, batch.AgentVersion, version);
        await db.InsertAsync("ingest_batches", ["store_id", "batch_id", "received_date", "receipts", "daily_totals", "home_deliveries", "agent_version", "version"], batchRow, cancellationToken).ConfigureAwait(false);
    }

    private static string ChannelName(Channel channel) => channel switch
    {
        Channel.InStore => "in_store",
        Channel.HomeDelivery => "home_delivery",
        Channel.ClickAndCollect => "click_and_collect",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    private static string PaymentName(PaymentMethod method) => method switch
    {
        PaymentMethod.Cash => "cash",
        PaymentMethod.Card => "card",
        PaymentMethod.Swish => "swish",
        PaymentMethod.Invoice => "invoice",
        PaymentMethod.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    private static string SourceName(DailySource source) => source switch
    {
        DailySource.ZReport => "z_report",
        DailySource.Sie4 => "sie4",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };
}
