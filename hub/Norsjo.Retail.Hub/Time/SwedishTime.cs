using System.Globalization;

namespace Norsjo.Retail.Hub.Time;

/// <summary>
/// The one home of Swedish time in the hub. Sales, opening hours, months and "today" are Norsjö's
/// (Europe/Stockholm, summer time included), whatever the server's own zone; every reader takes
/// the clock as a <see cref="TimeProvider"/>, so a test can fix it.
/// </summary>
public static class SwedishTime
{
    public const string ZoneId = "Europe/Stockholm";

    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(ZoneId);

    /// <summary>Food VAT was cut from 12 to 6 % for these days (both included); the index compares them at constant VAT.</summary>
    public static DateOnly ReducedFoodVatFrom { get; } = new(2026, 4, 1);

    public static DateOnly ReducedFoodVatUntil { get; } = new(2027, 12, 31);

    public static DateTimeOffset Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Local(time.GetUtcNow());
    }

    public static DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(Now(time).DateTime);

    /// <summary>The first day of the running month in Norsjö.</summary>
    public static DateOnly CurrentMonth(TimeProvider time)
    {
        var today = Today(time);
        return new DateOnly(today.Year, today.Month, 1);
    }

    public static bool ReducedFoodVat(DateOnly day) => day >= ReducedFoodVatFrom && day <= ReducedFoodVatUntil;

    /// <summary>"2026-12-01 18:40", Norsjö's wall clock, for text a person reads.</summary>
    public static string Text(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
