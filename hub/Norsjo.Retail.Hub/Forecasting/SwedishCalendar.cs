using System.Globalization;
using PublicHoliday;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>
/// The Swedish calendar as shopping follows it: public holidays and their eves (PublicHoliday's
/// Swedish list includes midsommarafton, julafton, nyårsafton), payday on the 25th (the weekday
/// before when the 25th falls on a weekend), the summer weeks, and the food VAT step.
/// </summary>
public static class SwedishCalendar
{
    private static readonly SwedenPublicHoliday Sweden = new();
    private static readonly Dictionary<int, HashSet<DateOnly>> Holidays = [];
    private static readonly Lock Gate = new();

    public static bool IsHoliday(DateOnly day)
    {
        lock (Gate)
        {
            if (!Holidays.TryGetValue(day.Year, out var year))
            {
                Holidays[day.Year] = year = Sweden.PublicHolidays(day.Year).Select(DateOnly.FromDateTime).ToHashSet();
            }

            return year.Contains(day);
        }
    }

    /// <summary>The day before a holiday that is not itself one (påskafton, pingstafton …): people stock up.</summary>
    public static bool IsHolidayEve(DateOnly day) => !IsHoliday(day) && IsHoliday(day.AddDays(1));

    public static DateOnly Payday(int year, int month)
    {
        var day = new DateOnly(year, month, 25);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        return day;
    }

    public static bool IsPayday(DateOnly day) => Payday(day.Year, day.Month) == day;

    /// <summary>Days since the last payday (0 on payday): spending is highest just after it.</summary>
    public static int DaysSincePayday(DateOnly day)
    {
        var payday = Payday(day.Year, day.Month);
        if (payday > day)
        {
            var previous = day.AddMonths(-1);
            payday = Payday(previous.Year, previous.Month);
        }

        return day.DayNumber - payday.DayNumber;
    }

    /// <summary>Weeks 26–32: the Swedish holiday summer, when villages fill with summer guests.</summary>
    public static bool IsSummer(DateOnly day) => ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)) is >= 26 and <= 32;

    public static bool ReducedFoodVat(DateOnly day) =>
        day >= SalesIndex.MonthlyTurnover.ReducedFoodVatFrom && day <= SalesIndex.MonthlyTurnover.ReducedFoodVatUntil;
}
