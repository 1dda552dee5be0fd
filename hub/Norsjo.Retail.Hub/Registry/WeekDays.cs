namespace Norsjo.Retail.Hub.Registry;

/// <summary>
/// The week as the registry writes it, Monday first: the file's day key and the short Swedish name the
/// pages use (dashboards' weekdaysShort). The file reader accepts these names too (RegistryFile).
/// </summary>
public static class WeekDays
{
    public static IReadOnlyList<(DayOfWeek Day, string Key, string Swedish)> All { get; } =
    [
        (DayOfWeek.Monday, "mon", "mån"), (DayOfWeek.Tuesday, "tue", "tis"), (DayOfWeek.Wednesday, "wed", "ons"),
        (DayOfWeek.Thursday, "thu", "tor"), (DayOfWeek.Friday, "fri", "fre"), (DayOfWeek.Saturday, "sat", "lör"),
        (DayOfWeek.Sunday, "sun", "sön"),
    ];
}
