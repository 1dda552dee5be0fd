using Grpc.Core;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Hub.Ingest;

/// <summary>
/// Rejects a batch that cannot be true before anything of it is stored, naming the field, so the
/// agent's operator can find the fault. Amounts may be negative only where the contract allows it;
/// dates must fall between the store's opening and a little past today.
/// </summary>
public sealed class BatchValidator(DateOnly earliest, DateOnly latest)
{
    private static readonly HashSet<int> VatRates = [0, 600, 1200, 2500];

    public void Validate(UploadBatchRequest batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Require(batch.BatchId.Length is > 0 and <= 64, "batch_id", "must be 1–64 characters");
        for (var r = 0; r < batch.Receipts.Count; r++)
        {
            var receipt = batch.Receipts[r];
            var at = $"receipts[{r}]";
            Require(receipt.ReceiptKey.Length is > 0 and <= 128, $"{at}.receipt_key", "must be 1–128 characters");
            InRange(receipt.Date, $"{at}.date");
            Require(receipt.MinuteOfDay is >= 0 and < 1440, $"{at}.minute_of_day", "must be 0–1439");
            Require(receipt.Channel != Channel.Unspecified && Enum.IsDefined(receipt.Channel), $"{at}.channel", "unknown channel");
            Require(receipt.Lines.Count > 0, $"{at}.lines", "a receipt needs at least one line");
            for (var l = 0; l < receipt.Lines.Count; l++)
            {
                var line = receipt.Lines[l];
                var lineAt = $"{at}.lines[{l}]";
                Require(line.Category.Length is > 0 and <= 64, $"{lineAt}.category", "must be 1–64 characters");
                Require(VatRates.Contains(line.VatRateBasisPoints), $"{lineAt}.vat_rate_basis_points", "must be 0, 600, 1200 or 2500");
                Require(line.Returned ? line.GrossOre <= 0 : line.GrossOre >= 0, $"{lineAt}.gross_ore", "sold goods are positive, returned goods negative");
                Require(Math.Abs(line.VatOre) <= Math.Abs(line.GrossOre), $"{lineAt}.vat_ore", "cannot exceed the gross amount");
            }

            RequireMethods(receipt.Payments, at);
        }

        for (var d = 0; d < batch.DailyTotals.Count; d++)
        {
            var total = batch.DailyTotals[d];
            var at = $"daily_totals[{d}]";
            InRange(total.Date, $"{at}.date");
            Require(total.Source != DailySource.Unspecified && Enum.IsDefined(total.Source), $"{at}.source", "unknown source");
            Require(total.ReceiptCount >= 0 && total.ReturnCount >= 0 && total.ReturnsGrossOre >= 0, at, "counts and returns cannot be negative");
            for (var s = 0; s < total.Sales.Count; s++)
            {
                Require(VatRates.Contains(total.Sales[s].VatRateBasisPoints), $"{at}.sales[{s}].vat_rate_basis_points", "must be 0, 600, 1200 or 2500");
            }

            RequireMethods(total.Payments, at);
        }

        for (var h = 0; h < batch.HomeDeliveries.Count; h++)
        {
            var delivery = batch.HomeDeliveries[h];
            var at = $"home_deliveries[{h}]";
            Require(delivery.DeliveryKey.Length is > 0 and <= 128, $"{at}.delivery_key", "must be 1–128 characters");
            Require(delivery.HouseholdKey.Length is > 0 and <= 128, $"{at}.household_key", "must be 1–128 characters");
            InRange(delivery.Date, $"{at}.date");
            Require(delivery.DistanceM >= 0, $"{at}.distance_m", "cannot be negative");
            Require(delivery.OrderValueOre >= 0, $"{at}.order_value_ore", "cannot be negative");
        }
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

    private static void RequireMethods(Google.Protobuf.Collections.RepeatedField<Payment> payments, string at)
    {
        for (var p = 0; p < payments.Count; p++)
        {
            var method = payments[p].Method;
            Require(method != PaymentMethod.Unspecified && Enum.IsDefined(method), $"{at}.payments[{p}].method", "unknown payment method");
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
