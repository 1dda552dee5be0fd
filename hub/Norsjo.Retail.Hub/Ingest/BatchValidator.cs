using Grpc.Core;
using Norsjo.Retail.Contracts.V1;
using static Norsjo.Retail.Hub.Ingest.IngestLimits;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// Rejects a batch that cannot be true before anything of it is stored, naming the field, so the
/// agent's operator can find the fault. Every amount, count and text is bounded (IngestLimits) before
/// any arithmetic is done with it, so no sum can overflow; amounts may be negative only where the
/// contract allows it; VAT is checked against its rate and gross, payments against what they pay
/// for; dates must fall between the store's opening and a little past today.
/// </summary>
public sealed class BatchValidator(DateOnly earliest, DateOnly latest)
{
    private static readonly HashSet<int> VatRates = [0, 600, 1200, 2500];

    public void Validate(UploadBatchRequest batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Text(batch.BatchId, "batch_id", 1, MaxBatchIdLength);
        Text(batch.AgentVersion, "agent_version", 0, MaxAgentVersionLength);
        Count(batch.Receipts.Count, "receipts", MaxReceiptsPerBatch);
        Count(batch.DailyTotals.Count, "daily_totals", MaxDailyTotalsPerBatch);
        Count(batch.HomeDeliveries.Count, "home_deliveries", MaxHomeDeliveriesPerBatch);
        Count(batch.ServiceVolumes.Count, "service_volumes", MaxServiceVolumesPerBatch);
        for (var r = 0; r < batch.Receipts.Count; r++)
        {
            ValidateReceipt(batch.Receipts[r], $"receipts[{r}]");
        }

        for (var d = 0; d < batch.DailyTotals.Count; d++)
        {
            ValidateDailyTotal(batch.DailyTotals[d], $"daily_totals[{d}]");
        }

        for (var h = 0; h < batch.HomeDeliveries.Count; h++)
        {
            var delivery = batch.HomeDeliveries[h];
            var at = $"home_deliveries[{h}]";
            Text(delivery.DeliveryKey, $"{at}.delivery_key", 1, MaxKeyLength);
            Text(delivery.HouseholdKey, $"{at}.household_key", 1, MaxKeyLength);
            Text(delivery.Locality, $"{at}.locality", 0, MaxLocalityLength);
            InRange(delivery.Date, $"{at}.date");
            Require(delivery.DistanceM is >= 0 and <= MaxDistanceM, $"{at}.distance_m", $"must be 0–{MaxDistanceM} m");
            Amount(delivery.OrderValueOre, $"{at}.order_value_ore", 0, MaxReceiptOre);
        }

        for (var v = 0; v < batch.ServiceVolumes.Count; v++)
        {
            ValidateServiceVolume(batch.ServiceVolumes[v], $"service_volumes[{v}]");
        }
    }

    /// <summary>A day's count of one service kind (issue 19): a known kind, a count of 0 or more, an amount only for kontantuttag.</summary>
    private void ValidateServiceVolume(ServiceVolume volume, string at)
    {
        InRange(volume.Date, $"{at}.date");
        Require(ServiceKindNames.Name(volume.Kind) is not null, $"{at}.kind", "unknown service kind");
        Require(volume.Count is >= 0 and <= MaxCountPerDay, $"{at}.count", $"must be 0–{MaxCountPerDay}");
        if (volume.Kind == ServiceKind.Kontantuttag)
        {
            Amount(volume.AmountOre, $"{at}.amount_ore", 0, MaxServiceDayOre);
            Require(volume.Count > 0 || volume.AmountOre == 0, $"{at}.amount_ore", "cash paid out on a day without withdrawals");
        }
        else
        {
            Require(volume.AmountOre == 0, $"{at}.amount_ore", "only kontantuttag has an amount; other services are counted");
        }
    }

    private void ValidateReceipt(Receipt receipt, string at)
    {
        Text(receipt.ReceiptKey, $"{at}.receipt_key", 1, MaxKeyLength);
        InRange(receipt.Date, $"{at}.date");
        Require(receipt.MinuteOfDay is >= 0 and < 1440, $"{at}.minute_of_day", "must be 0–1439");
        Require(receipt.Channel != Channel.Unspecified && Enum.IsDefined(receipt.Channel), $"{at}.channel", "unknown channel");
        Require(receipt.Lines.Count > 0, $"{at}.lines", "a receipt needs at least one line");
        Count(receipt.Lines.Count, $"{at}.lines", MaxLinesPerReceipt);
        Count(receipt.Payments.Count, $"{at}.payments", MaxPaymentsPerReceipt);
        long gross = 0;
        for (var l = 0; l < receipt.Lines.Count; l++)
        {
            var line = receipt.Lines[l];
            var lineAt = $"{at}.lines[{l}]";
            Text(line.Category, $"{lineAt}.category", 1, MaxCategoryLength);
            Require(VatRates.Contains(line.VatRateBasisPoints), $"{lineAt}.vat_rate_basis_points", "must be 0, 600, 1200 or 2500");
            Amount(line.GrossOre, $"{lineAt}.gross_ore", -MaxReceiptOre, MaxReceiptOre);
            Require(line.Returned ? line.GrossOre <= 0 : line.GrossOre >= 0, $"{lineAt}.gross_ore", "sold goods are positive, returned goods negative");
            Vat(line.VatOre, line.GrossOre, line.VatRateBasisPoints, $"{lineAt}.vat_ore");
            Require(line.QuantityMilli is >= -MaxQuantityMilli and <= MaxQuantityMilli, $"{lineAt}.quantity_milli",
                $"must be within ±{MaxQuantityMilli}");
            gross += line.GrossOre; // at most MaxLinesPerReceipt × MaxReceiptOre: cannot overflow
        }

        Require(Math.Abs(gross) <= MaxReceiptOre, $"{at}.lines", $"the receipt's total {gross} öre is over the limit of ±{MaxReceiptOre} öre");
        var paid = Payments(receipt.Payments, at, MaxReceiptOre);
        // The agent sends a receipt's payments only when they pay exactly for its goods (change already taken off).
        Require(receipt.Payments.Count == 0 || paid == gross, $"{at}.payments",
            $"pay {paid} öre for goods of {gross} öre; they must be equal");
    }

    private void ValidateDailyTotal(DailyTotal total, string at)
    {
        InRange(total.Date, $"{at}.date");
        Require(total.Source != DailySource.Unspecified && Enum.IsDefined(total.Source), $"{at}.source", "unknown source");
        Require(total.ReceiptCount is >= 0 and <= MaxCountPerDay, $"{at}.receipt_count", $"must be 0–{MaxCountPerDay}");
        Require(total.ReturnCount is >= 0 and <= MaxCountPerDay, $"{at}.return_count", $"must be 0–{MaxCountPerDay}");
        Amount(total.ReturnsGrossOre, $"{at}.returns_gross_ore", 0, MaxDayOre);
        Count(total.Sales.Count, $"{at}.sales", MaxSalesPerDailyTotal);
        Count(total.Payments.Count, $"{at}.payments", MaxPaymentsPerDailyTotal);
        long gross = 0;
        for (var s = 0; s < total.Sales.Count; s++)
        {
            var sales = total.Sales[s];
            var salesAt = $"{at}.sales[{s}]";
            Text(sales.Category, $"{salesAt}.category", 0, MaxCategoryLength);
            Require(VatRates.Contains(sales.VatRateBasisPoints), $"{salesAt}.vat_rate_basis_points", "must be 0, 600, 1200 or 2500");
            Amount(sales.GrossOre, $"{salesAt}.gross_ore", -MaxDayOre, MaxDayOre);
            Vat(sales.VatOre, sales.GrossOre, sales.VatRateBasisPoints, $"{salesAt}.vat_ore");
            gross += sales.GrossOre; // at most MaxSalesPerDailyTotal × MaxDayOre: cannot overflow
        }

        Require(Math.Abs(gross) <= MaxDayOre, $"{at}.sales", $"the day's total {gross} öre is over the limit of ±{MaxDayOre} öre");
        var paid = Payments(total.Payments, at, MaxDayOre);
        // A Z-report is the till's own balance of the day. SIE books also carry bank movements that
        // are no sale (salaries, transfers on 1930), so there only the bounds apply.
        Require(total.Source != DailySource.ZReport || total.Payments.Count == 0 || paid == gross, $"{at}.payments",
            $"pay {paid} öre for sales of {gross} öre; a Z-report's payments must equal its sales");
    }

    private static long Payments(Google.Protobuf.Collections.RepeatedField<Payment> payments, string at, long max)
    {
        long sum = 0;
        for (var p = 0; p < payments.Count; p++)
        {
            var payment = payments[p];
            Require(payment.Method != PaymentMethod.Unspecified && Enum.IsDefined(payment.Method), $"{at}.payments[{p}].method", "unknown payment method");
            Amount(payment.AmountOre, $"{at}.payments[{p}].amount_ore", -max, max);
            sum += payment.AmountOre; // at most 50 × max: cannot overflow
        }

        Require(Math.Abs(sum) <= max, $"{at}.payments", $"the payments' total {sum} öre is over the limit of ±{max} öre");
        return sum;
    }

    /// <summary>
    /// VAT has the sign of its gross and is at most the rate's share of it (25 % VAT is 20 % of the
    /// gross including it), plus rounding. Gross is already bounded, so the product fits in Int64.
    /// </summary>
    private static void Vat(long vat, long gross, int rateBasisPoints, string field)
    {
        Require(vat is >= -MaxDayOre and <= MaxDayOre, field, $"must be within ±{MaxDayOre} öre");
        Require(vat == 0 || Math.Sign(vat) == Math.Sign(gross), field, "must have the same sign as the gross amount");
        var most = (Math.Abs(gross) * rateBasisPoints / (10_000 + rateBasisPoints)) + VatRoundingOre;
        Require(Math.Abs(vat) <= Math.Min(most, Math.Abs(gross)), field,
            $"{vat} öre is more than {rateBasisPoints / 100.0:0.##} % VAT can be of a gross of {gross} öre");
    }

    private static void Amount(long value, string field, long min, long max) =>
        Require(value >= min && value <= max, field, $"{value} öre is outside {min}…{max} öre");

    private static void Count(int count, string field, int max) =>
        Require(count <= max, field, $"{count} entries; at most {max} are accepted");

    private static void Text(string value, string field, int minLength, int maxLength)
    {
        Require(value.Length >= minLength && value.Length <= maxLength, field,
            minLength > 0 ? $"must be {minLength}–{maxLength} characters (is {value.Length})" : $"must be at most {maxLength} characters (is {value.Length})");
        Require(!value.Any(char.IsControl), field, "must not contain control characters (tab, line break …)");
    }

    private void InRange(LocalDate? date, string field)
    {
        var value = ToDate(date, field);
        Require(value >= earliest, field, $"{value:yyyy-MM-dd} is before the store's first day {earliest:yyyy-MM-dd}");
        Require(value <= latest, field, $"{value:yyyy-MM-dd} is in the future (latest accepted {latest:yyyy-MM-dd}); check the till's clock");
    }

    public static DateOnly ToDate(LocalDate? date, string field)
    {
        Require(date is not null, field, "is missing");
        try
        {
            var value = new DateOnly(date!.Year, date.Month, date.Day);
            return value;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Invalid(field, $"{date!.Year}-{date.Month}-{date.Day} is not a date");
        }
    }

    private static void Require(bool condition, string field, string problem)
    {
        if (!condition)
        {
            throw Invalid(field, problem);
        }
    }

    private static RpcException Invalid(string field, string problem) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));
}
