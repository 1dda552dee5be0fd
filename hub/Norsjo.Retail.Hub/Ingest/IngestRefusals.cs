using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Operational;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>One item the hub refused, as its store's owner and the admin see it; Swedish words beside the validator's own.</summary>
public sealed record RefusedItem(
    DateTimeOffset RefusedAt, string Kind, string What, string? ItemDate, string Field, string FieldName, string Reason, string Explanation);

/// <summary>What the hub refused of one store's batches, newest first (at most <see cref="IngestRefusals.MaxListed"/> listed).</summary>
public sealed record StoreRefusals(string StoreId, int Total, IReadOnlyList<RefusedItem> Items, string Note);

/// <summary>How many items of each kind the hub refused from a store, and when it last did: no content.</summary>
/// <param name="ServiceVolumes">Days of service counts (issue 19), one per day and kind.</param>
public sealed record RefusalCount(string StoreId, int Receipts, int HomeDeliveries, int DailyTotals, int ServiceVolumes, int Batches, DateTimeOffset? Last)
{
    public int Total => Receipts + HomeDeliveries + DailyTotals + ServiceVolumes + Batches;
}

/// <summary>
/// Every refusal of content at ingest (INVALID_ARGUMENT from <see cref="BatchValidator"/>), kept per
/// store in the operational store, append-only (until the store's data is erased): which item (its kind, date and keyed hash — never a
/// household, locality or amount of its own), which field and the validator's reason. The agent sets
/// the named item aside and sends the rest again, so each refused item is recorded once; without this,
/// what was refused would be visible only in the shop's agent, and left out of every figure silently.
/// </summary>
public sealed partial class IngestRefusals(OperationalStore store, TimeProvider time, ILogger<IngestRefusals> logger)
{
    public const int MaxListed = 200;

    public const string Receipt = "receipt";
    public const string HomeDelivery = "home_delivery";
    public const string DailyTotal = "daily_total";
    public const string ServiceVolume = "service_volume";
    public const string Batch = "batch";

    /// <summary>Records the refusal of a batch; a failure to record is logged, never put before the refusal itself.</summary>
    public async Task RecordAsync(string storeId, UploadBatchRequest batch, string detail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(detail);
        var (kind, key, date, field, reason) = Describe(batch, detail);
        try
        {
            await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("""
                INSERT INTO ingest_refusals (store_id, kind, item_key, item_date, field, reason, batch_id, refused_unix_ms)
                VALUES (@StoreId, @Kind, @Key, @Date, @Field, @Reason, @BatchId, @At)
                ON CONFLICT DO NOTHING
                """, new
            {
                StoreId = storeId,
                Kind = kind,
                Key = key,
                Date = date ?? string.Empty,
                Field = field,
                Reason = reason,
                BatchId = Clean(batch.BatchId, IngestLimits.MaxBatchIdLength),
                At = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            LogNotRecorded(logger, e, storeId, field);
        }
    }

    public async Task<StoreRefusals> ForStoreAsync(string storeId, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ingest_refusals WHERE store_id = @storeId", new { storeId }).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>($"""
            SELECT kind AS Kind, item_date AS ItemDate, field AS Field, reason AS Reason, refused_unix_ms AS RefusedMs
            FROM ingest_refusals WHERE store_id = @storeId ORDER BY refused_unix_ms DESC, item_key LIMIT {MaxListed}
            """, new { storeId }).ConfigureAwait(false);
        return new StoreRefusals(storeId, (int)total, [.. rows.Select(View)],
            total == 0
                ? "Hubben har inte avvisat något från butikens agent."
                : "Det som avvisats räknas inte i någon siffra. Agenten har lagt det åt sidan (mappen fel/ hos butiken); rätta i kassan och exportera igen, så kommer det med.");
    }

    /// <summary>Refused home deliveries of a store dated within the range: the subsidy never judged them.</summary>
    public async Task<IReadOnlyList<RefusedItem>> DeliveriesAsync(string storeId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>("""
            SELECT kind AS Kind, item_date AS ItemDate, field AS Field, reason AS Reason, refused_unix_ms AS RefusedMs
            FROM ingest_refusals
            WHERE store_id = @storeId AND kind = @kind AND item_date >= @from AND item_date <= @to
            ORDER BY item_date, item_key
            """, new { storeId, kind = HomeDelivery, from = Iso(from), to = Iso(to) }).ConfigureAwait(false);
        return [.. rows.Select(View)];
    }

    /// <summary>Per store, how many items of each kind were refused: what the admin sees of every store.</summary>
    public async Task<IReadOnlyList<RefusalCount>> CountsAsync(IEnumerable<string> storeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storeIds);
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<CountRow>("""
            SELECT store_id AS StoreId, kind AS Kind, COUNT(*) AS Items, MAX(refused_unix_ms) AS LastMs FROM ingest_refusals GROUP BY store_id, kind
            """).ConfigureAwait(false)).ToList();
        return [.. storeIds.Select(id =>
        {
            var of = rows.Where(r => r.StoreId == id).ToList();
            int Count(string kind) => (int)of.Where(r => r.Kind == kind).Sum(r => r.Items);
            var last = of.Count == 0 ? (long?)null : of.Max(r => r.LastMs);
            return new RefusalCount(id, Count(Receipt), Count(HomeDelivery), Count(DailyTotal), Count(ServiceVolume), Count(Batch),
                last is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
        })];
    }

    /// <summary>Deletes the store's refusals: the one exception to append-only, when all of a store's data goes (StoreDataEraser).</summary>
    public async Task EraseAsync(string storeId, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM ingest_refusals WHERE store_id = @storeId", new { storeId }).ConfigureAwait(false);
    }

    /// <summary>The refused item from the validator's detail ("home_deliveries[3].order_value_ore: …"): its kind, key, date, field and reason.</summary>
    internal static (string Kind, string Key, string? Date, string Field, string Reason) Describe(UploadBatchRequest batch, string detail)
    {
        var colon = detail.IndexOf(": ", StringComparison.Ordinal);
        var field = Clean(colon > 0 ? detail[..colon] : "request", 200);
        var reason = Clean(colon > 0 ? detail[(colon + 2)..] : detail, 500);
        var item = ItemPattern().Match(field);
        if (item.Success && int.TryParse(item.Groups[2].Value, CultureInfo.InvariantCulture, out var index))
        {
            switch (item.Groups[1].Value)
            {
                case "receipts" when index < batch.Receipts.Count:
                    var receipt = batch.Receipts[index];
                    return (Receipt, Clean(receipt.ReceiptKey, IngestLimits.MaxKeyLength), DateOf(receipt.Date), field, reason);
                case "home_deliveries" when index < batch.HomeDeliveries.Count:
                    var delivery = batch.HomeDeliveries[index];
                    return (HomeDelivery, Clean(delivery.DeliveryKey, IngestLimits.MaxKeyLength), DateOf(delivery.Date), field, reason);
                case "service_volumes" when index < batch.ServiceVolumes.Count:
                    var volume = batch.ServiceVolumes[index];
                    return (ServiceVolume, $"{DateOf(volume.Date)}/{ServiceKindNames.Name(volume.Kind) ?? ((int)volume.Kind).ToString(CultureInfo.InvariantCulture)}", DateOf(volume.Date), field, reason);
                case "daily_totals" when index < batch.DailyTotals.Count:
                    var total = batch.DailyTotals[index];
                    return (DailyTotal, $"{DateOf(total.Date)}/{total.Source}", DateOf(total.Date), field, reason);
            }
        }

        return (Batch, Clean(batch.BatchId, IngestLimits.MaxBatchIdLength), null, field, reason);
    }

    private static RefusedItem View(Row r)
    {
        var what = r.Kind switch { Receipt => "Kvitto", HomeDelivery => "Hemsändning", DailyTotal => "Dagssumma", ServiceVolume => "Tjänster per dag", _ => "Hela sändningen" };
        var name = FieldName(r.Field);
        return new RefusedItem(DateTimeOffset.FromUnixTimeMilliseconds(r.RefusedMs), r.Kind, what, r.ItemDate.Length == 0 ? null : r.ItemDate,
            r.Field, name, r.Reason, $"{what}: {name} godtogs inte");
    }

    /// <summary>The field's last name (indices dropped) in Swedish words, for the person at the page.</summary>
    public static string FieldName(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var last = field[(field.LastIndexOf('.') + 1)..];
        var bracket = last.IndexOf('[', StringComparison.Ordinal);
        last = bracket >= 0 ? last[..bracket] : last;
        if (field.StartsWith("service_volumes[", StringComparison.Ordinal) && last == "amount_ore")
        {
            return "uttagens belopp";
        }

        return last switch
        {
            "order_value_ore" => "ordervärdet",
            "distance_m" => "avståndet",
            "date" => "datumet",
            "vat_ore" => "momsen",
            "vat_rate_basis_points" => "momssatsen",
            "gross_ore" => "beloppet",
            "amount_ore" => "betalningens belopp",
            "payments" => "betalningarna",
            "method" => "betalsättet",
            "quantity_milli" => "antalet",
            "category" => "varugruppen",
            "channel" => "försäljningssättet",
            "lines" => "kvittots rader",
            "minute_of_day" => "klockslaget",
            "receipt_key" or "delivery_key" => "id:t",
            "household_key" => "hushållets id",
            "locality" => "orten",
            "receipt_count" => "antalet kvitton",
            "return_count" => "antalet returer",
            "returns_gross_ore" => "returernas belopp",
            "sales" => "dagens försäljning",
            "source" => "källan",
            "batch_id" => "sändningens id",
            "agent_version" => "agentens version",
            "kind" => "tjänsten",
            "count" => "antalet",
            "receipts" or "daily_totals" or "home_deliveries" or "service_volumes" => "antalet poster",
            _ => last,
        };
    }

    private static string? DateOf(LocalDate? date)
    {
        if (date is null)
        {
            return null;
        }

        try
        {
            return Iso(new DateOnly(date.Year, date.Month, date.Day));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Texts from the batch are stored cut to length and without control characters (a refused one may have both).</summary>
    private static string Clean(string text, int max)
    {
        var clean = new string([.. text.Where(c => !char.IsControl(c))]);
        return clean.Length <= max ? clean : clean[..max];
    }

    [GeneratedRegex(@"^(receipts|home_deliveries|daily_totals|service_volumes)\[(\d+)\]")]
    private static partial Regex ItemPattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the refusal of {Field} from {StoreId}; the agent was told the reason all the same")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string storeId, string field);

    private sealed class Row
    {
        public string Kind { get; set; } = string.Empty;

        public string ItemDate { get; set; } = string.Empty;

        public string Field { get; set; } = string.Empty;

        public string Reason { get; set; } = string.Empty;

        public long RefusedMs { get; set; }
    }

    private sealed class CountRow
    {
        public string StoreId { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;

        public long Items { get; set; }

        public long LastMs { get; set; }
    }
}
