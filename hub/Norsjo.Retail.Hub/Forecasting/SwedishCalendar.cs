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

    /// <summary>
    /// The Christmas trade and holidays: 1 December (julhandeln is December's trade) to trettondedagen,
    /// 6 January. Its days' forecast errors are their own kind (issue #17, sixth round: a band's errors
    /// from this stretch are kept apart from the rest of the year's).
    /// </summary>
    public static bool IsChristmasStretch(DateOnly day) => day.Month == 12 || (day.Month == 1 && day.Day <= 6);

    /// <summary>Weeks 26–32: the Swedish holiday summer, when villages fill with summer guests.</summary>
    public static bool IsSummer(DateOnly day) => ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)) is >= 26 and <= 32;

    public static bool ReducedFoodVat(DateOnly day) =>
        day >= SalesIndex.MonthlyTurnover.ReducedFoodVatFrom && day <= SalesIndex.MonthlyTurnover.ReducedFoodVatUntil;
}

/// <summary>
/// Each of Sweden's big shopping days as its own value, so a forecast can learn that a shop closes
/// on juldagen but is busiest on lillejulafton (one "holiday" flag lumped them together).
/// </summary>
public enum SwedishDay
{
    None = 0,
    Nyarsdagen,
    Trettondagsafton,
    Trettondagen,
    Skartorsdagen,
    Langfredagen,
    Paskafton,
    Paskdagen,
    AnnandagPask,
    Valborgsmassoafton,
    ForstaMaj,
    KristiHimmelsfard,
    Pingstafton,
    Pingstdagen,
    Nationaldagen,
    Midsommarafton,
    Midsommardagen,
    Allhelgonaafton,
    AllaHelgonsDag,
    Lillejulafton,
    Julafton,
    Juldagen,
    AnnandagJul,
    Mellandagar,
    Nyarsafton,
}

/// <summary>Where each <see cref="SwedishDay"/> falls in a year (PublicHoliday's Swedish dates, plus the eves shops know).</summary>
public static class SwedishDays
{
    private static readonly Dictionary<int, Dictionary<DateOnly, SwedishDay>> Years = [];
    private static readonly Lock Gate = new();

    public static SwedishDay Of(DateOnly day) => YearOf(day.Year).GetValueOrDefault(day);

    /// <summary>The day a big day fell on in a year (the first of the mellandagar), or null for <see cref="SwedishDay.None"/>.</summary>
    public static DateOnly? In(SwedishDay which, int year) =>
        which == SwedishDay.None ? null : YearOf(year).Where(d => d.Value == which).Select(d => (DateOnly?)d.Key).Min();

    private static Dictionary<DateOnly, SwedishDay> YearOf(int year)
    {
        lock (Gate)
        {
            if (!Years.TryGetValue(year, out var days))
            {
                Years[year] = days = Build(year);
            }

            return days;
        }
    }

    private static Dictionary<DateOnly, SwedishDay> Build(int year)
    {
        static DateOnly D(DateTime d) => DateOnly.FromDateTime(d);
        var easter = Easter.Western(year);
        var whitSunday = D(SwedenPublicHoliday.WhitSunday(year));
        var allSaints = D(SwedenPublicHoliday.AllSaintsDay(year));
        var days = new Dictionary<DateOnly, SwedishDay>();
        for (var d = new DateOnly(year, 12, 27); d.Day <= 30; d = d.AddDays(1))
        {
            days[d] = SwedishDay.Mellandagar;
        }

        // Later entries win where two fall together (midsommar and nationaldagen cannot; Easter and 1 May cannot).
        days[new DateOnly(year, 1, 1)] = SwedishDay.Nyarsdagen;
        days[new DateOnly(year, 1, 5)] = SwedishDay.Trettondagsafton;
        days[new DateOnly(year, 1, 6)] = SwedishDay.Trettondagen;
        days[easter.AddDays(-3)] = SwedishDay.Skartorsdagen;
        days[easter.AddDays(-2)] = SwedishDay.Langfredagen;
        days[easter.AddDays(-1)] = SwedishDay.Paskafton;
        days[easter] = SwedishDay.Paskdagen;
        days[easter.AddDays(1)] = SwedishDay.AnnandagPask;
        days[new DateOnly(year, 4, 30)] = SwedishDay.Valborgsmassoafton;
        days[new DateOnly(year, 5, 1)] = SwedishDay.ForstaMaj;
        days[D(SwedenPublicHoliday.Ascension(year))] = SwedishDay.KristiHimmelsfard;
        days[whitSunday.AddDays(-1)] = SwedishDay.Pingstafton;
        days[whitSunday] = SwedishDay.Pingstdagen;
        days[new DateOnly(year, 6, 6)] = SwedishDay.Nationaldagen;
        days[D(SwedenPublicHoliday.MidsummerEve(year))] = SwedishDay.Midsommarafton;
        days[D(SwedenPublicHoliday.MidsummerDay(year))] = SwedishDay.Midsommardagen;
        days[allSaints.AddDays(-1)] = SwedishDay.Allhelgonaafton;
        days[allSaints] = SwedishDay.AllaHelgonsDag;
        days[new DateOnly(year, 12, 23)] = SwedishDay.Lillejulafton;
        days[new DateOnly(year, 12, 24)] = SwedishDay.Julafton;
        days[new DateOnly(year, 12, 25)] = SwedishDay.Juldagen;
        days[new DateOnly(year, 12, 26)] = SwedishDay.AnnandagJul;
        days[new DateOnly(year, 12, 31)] = SwedishDay.Nyarsafton;
        return days;
    }
}
