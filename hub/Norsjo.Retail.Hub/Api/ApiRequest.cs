using System.Globalization;
using System.Security.Claims;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Api;

/// <summary>A request the API will not answer as asked: 400 with the reason, never a 500.</summary>
public sealed class BadApiRequestException(string message) : Exception(message);

/// <summary>The caller may not see this: 403.</summary>
public sealed class ForbiddenApiRequestException(string message) : Exception(message);

/// <summary>Parameter checks and the authorisation rules shared by every endpoint.</summary>
public static class ApiRequest
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);
    public const int MaxRangeDays = (3 * 366) + 1;

    /// <summary>Norsjö's today (<see cref="Time.SwedishTime"/>).</summary>
    public static DateOnly Today(TimeProvider time) => Time.SwedishTime.Today(time);

    /// <summary>An inclusive date range (YYYY-MM-DD); by default the last 30 days. At most three years.</summary>
    public static (DateOnly From, DateOnly To) Dates(string? from, string? to, TimeProvider time)
    {
        var end = to is null ? Today(time) : ParseDate(to, "to");
        var start = from is null ? end.AddDays(-29) : ParseDate(from, "from");
        Check(start, end, (end.DayNumber - start.DayNumber) + 1 <= MaxRangeDays, "at most three years");
        return (start, end);
    }

    /// <summary>An inclusive range of months (YYYY-MM); by default the last 12.</summary>
    public static (DateOnly From, DateOnly To) Months(string? from, string? to, DateOnly currentMonth)
    {
        var end = to is null ? currentMonth : ParseMonth(to, "to");
        var start = from is null ? end.AddMonths(-11) : ParseMonth(from, "from");
        Check(start, end, start.AddMonths(36) > end, "at most 36 months");
        return (start, end);
    }

    public static int Year(int year, DateOnly currentMonth) =>
        year >= Earliest.Year && year <= currentMonth.Year
            ? year
            : throw new BadApiRequestException($"year {year} must be from {Earliest.Year} to {currentMonth.Year}.");

    public static string Grain(string? grain) => (grain ?? "day") switch
    {
        "day" or "week" or "month" => grain ?? "day",
        _ => throw new BadApiRequestException($"grain '{grain}' must be day, week or month."),
    };

    /// <summary>
    /// A store owner sees their own stores only; the municipality sees no single store (a store's
    /// turnover is its business secret); an admin sees every store in the registry.
    /// </summary>
    public static string Store(ClaimsPrincipal user, string storeId, StoreRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(UserStore.RoleName(UserRole.Admin)))
        {
            return registry.Find(storeId) is not null ? storeId : throw new BadApiRequestException($"'{storeId}' is not a store in the registry.");
        }

        if (user.IsInRole(UserStore.RoleName(UserRole.StoreOwner)) && user.FindAll(ApiAuthentication.StoreClaim).Any(c => c.Value == storeId))
        {
            return storeId;
        }

        throw new ForbiddenApiRequestException("You may see only your own store's figures.");
    }

    /// <summary>
    /// Subsidy statements: the store's owner, and the municipality, which pays them; an admin. A
    /// statement holds amounts the municipality pays, not the store's turnover.
    /// </summary>
    public static string SubsidyStore(ClaimsPrincipal user, string storeId, StoreRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(UserStore.RoleName(UserRole.Municipality))
            ? registry.Find(storeId) is not null ? storeId : throw new BadApiRequestException($"'{storeId}' is not a store in the registry.")
            : Store(user, storeId, registry);
    }

    public static DateOnly Month(string text, DateOnly currentMonth) =>
        ParseMonth(text, "month") is var month && month >= Earliest && month <= currentMonth
            ? month
            : throw new BadApiRequestException($"month '{text}' must be from {Earliest:yyyy-MM} to {currentMonth:yyyy-MM}.");

    private static void Check(DateOnly start, DateOnly end, bool smallEnough, string limit)
    {
        if (start > end)
        {
            throw new BadApiRequestException($"from {start:yyyy-MM-dd} is after to {end:yyyy-MM-dd}.");
        }

        if (start < Earliest)
        {
            throw new BadApiRequestException($"from {start:yyyy-MM-dd} is before {Earliest:yyyy-MM-dd}.");
        }

        if (!smallEnough)
        {
            throw new BadApiRequestException($"the range from {start:yyyy-MM-dd} to {end:yyyy-MM-dd} is too long: {limit}.");
        }
    }

    private static DateOnly ParseDate(string text, string name) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year <= 2100
            ? date
            : throw new BadApiRequestException($"{name} '{text}' must be a date, YYYY-MM-DD.");

    private static DateOnly ParseMonth(string text, string name) =>
        DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) && month.Year <= 2100
            ? month
            : throw new BadApiRequestException($"{name} '{text}' must be a month, YYYY-MM.");
}

/// <summary>What the pages need to name a store: no figures.</summary>
public sealed record StoreInfo(string Id, string Name, string Village, bool Reports)
{
    public static StoreInfo Of(Store store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new StoreInfo(store.Id, store.Name, store.Village, store.Reports);
    }
}
