namespace Norsjo.Retail.DemoTill;

/// <summary>
/// The rhythm of a year in a village shop: Fridays and Saturdays, the days after payday (the 25th),
/// summer guests from midsummer to mid-August, the Christmas rush and the closed holidays.
/// </summary>
public static class DemoSeasons
{
    private static readonly double[] Weekday = [0.9, 0.85, 0.9, 1.0, 1.3, 1.25, 0.75]; // Monday first

    /// <summary>Food VAT: 12 %, but 6 % from 1 April 2026 to 31 December 2027.</summary>
    public static int FoodVat(DateOnly date) => Norsjo.Retail.Hub.Time.SwedishTime.ReducedFoodVat(date) ? 6 : 12;

    /// <summary>How many receipts the day has against an ordinary day; 0 when the shop is closed (its registry hours, or a holiday).</summary>
    public static double Factor(DateOnly date, DemoShop shop)
    {
        ArgumentNullException.ThrowIfNull(shop);
        var weekday = ((int)date.DayOfWeek + 6) % 7;
        if (shop.OpenMinutes(date.DayOfWeek).Count == 0 || Closed(date))
        {
            return 0;
        }

        var factor = Weekday[weekday];
        if (date.Month is 7 || (date.Month == 6 && date.Day >= 20) || (date.Month == 8 && date.Day <= 15))
        {
            factor *= shop.SummerFactor;
        }
        else if (date.Month is 1 or 2)
        {
            factor *= 0.88;
        }

        if (date.Month == 12 && date.Day is >= 18 and <= 23)
        {
            factor *= 1.6;
        }
        else if (date.Month == 12 && date.Day is 24 or 31)
        {
            factor *= 1.2; // open in the morning only, but everyone comes
        }
        else if (IsMidsummerEve(date))
        {
            factor *= 1.7;
        }

        var payday = Payday(date.Year, date.Month);
        if (date >= payday && date.DayNumber - payday.DayNumber < 3)
        {
            factor *= 1.15;
        }

        return factor;
    }

    /// <summary>Salaries come on the 25th, or the weekday before when it falls on a weekend.</summary>
    public static DateOnly Payday(int year, int month)
    {
        var day = new DateOnly(year, month, 25);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        return day;
    }

    private static bool Closed(DateOnly date) => (date.Month, date.Day) is (12, 25) or (1, 1) || IsMidsummerEve(date.AddDays(-1));

    private static bool IsMidsummerEve(DateOnly date) => date.Month == 6 && date.Day is >= 19 and <= 25 && date.DayOfWeek == DayOfWeek.Friday;
}
