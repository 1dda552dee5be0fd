using System.Globalization;
using System.Text.RegularExpressions;
using Norsjo.Retail.Hub.Registry;

namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>
/// A place's entry as typed on a page or written in the seed file: every value as given, checked by
/// <see cref="ServicePointRules"/>. Coordinates are WGS84 decimal degrees, with a point or a comma.
/// Name, village and hours are a shop's registry facts and are not taken for a shop.
/// </summary>
public sealed record ServicePointEdit(
    string? Name,
    string? Village,
    IReadOnlyDictionary<string, string>? Hours,
    IReadOnlyList<string>? Services,
    IReadOnlyList<string>? HomeDeliveryVillages,
    IReadOnlyList<string>? Payments,
    string? OtherServices,
    string? Latitude,
    string? Longitude);

/// <summary>
/// The checks every entry passes, from the page, the owner's page and the seed file alike; each
/// refusal in Swedish under its field's name, so the page shows it beside the field.
/// </summary>
public static partial class ServicePointRules
{
    public const int MaxOtherServices = 500;

    /// <summary>
    /// Sweden in WGS84, as a box around its land and its islands (Smygehuk 55.34 N, Treriksröset
    /// 69.06 N; Koster 10.96 E, Haparanda 24.17 E): a point outside it is a typo or swapped axes.
    /// A point inside it is then checked against <see cref="SwedenOutline"/>.
    /// </summary>
    public static readonly (double South, double North, double West, double East) Sweden = (55.0, 69.1, 10.5, 24.2);

    public static ServicePointEntry Check(string id, ServicePointEdit edit, StoreRegistry registry, out Dictionary<string, string[]> problems)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(registry);
        problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IdPattern().IsMatch(id ?? string.Empty))
        {
            Add(problems, "id", $"'{id}' ska vara 2–40 tecken av a–z, 0–9 och '-'.");
        }

        var shop = registry.Find(id ?? string.Empty);
        string? name = null, village = null;
        IReadOnlyDictionary<string, string>? hours = null;
        if (shop is null)
        {
            name = Trimmed(edit.Name);
            village = Trimmed(edit.Village);
            if (name is null)
            {
                Add(problems, "name", "Ange platsens namn.");
            }
            else if (name.Length > 120)
            {
                Add(problems, "name", "Namnet får vara högst 120 tecken.");
            }

            if (village is null)
            {
                Add(problems, "village", "Ange byn platsen ligger i.");
            }

            var typed = (edit.Hours ?? new Dictionary<string, string>()).Where(h => !string.IsNullOrWhiteSpace(h.Value)).Select(h => (h.Key.Trim(), h.Value.Trim())).ToList();
            if (typed.Count == 0)
            {
                Add(problems, "hours", "Ange öppettider för minst en dag (eller 00:00-24:00 för en plats som alltid är öppen).");
            }
            else if (RegistryFile.ParseHours(typed, out var hourProblems) is { } parsed)
            {
                hours = RegistryYaml.HoursText(parsed).ToDictionary(h => h.Day, h => h.Text, StringComparer.Ordinal);
            }
            else
            {
                foreach (var (field, messages) in hourProblems)
                {
                    foreach (var message in messages)
                    {
                        Add(problems, field, message);
                    }
                }
            }
        }

        var services = Codes(edit.Services, ServiceCatalog.Services, "services", "är ingen tjänst i listan", problems);
        var payments = Codes(edit.Payments, ServiceCatalog.Payments, "payments", "är inget betalsätt i listan (kontant, kort, swish, faktura)", problems);
        var other = Trimmed(edit.OtherServices) ?? string.Empty;
        if (other.Length > MaxOtherServices)
        {
            Add(problems, "otherServices", $"Fritexten får vara högst {MaxOtherServices} tecken.");
        }

        if (services.Count == 0 && other.Length == 0)
        {
            Add(problems, "services", "Välj minst en tjänst, eller beskriv i fritexten vad platsen erbjuder.");
        }

        if (payments.Count == 0)
        {
            Add(problems, "payments", "Välj minst ett sätt att betala.");
        }

        var deliveries = (edit.HomeDeliveryVillages ?? []).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (services.Contains(ServiceCatalog.HomeDelivery) && deliveries.Count == 0)
        {
            Add(problems, "homeDeliveryVillages", "Ange vilka byar hemsändningen når.");
        }
        else if (!services.Contains(ServiceCatalog.HomeDelivery) && deliveries.Count > 0)
        {
            Add(problems, "homeDeliveryVillages", "Byar för hemsändning anges bara när platsen erbjuder hemsändning.");
        }

        var latitude = Degrees(edit.Latitude, "latitude", "latitud", problems);
        var longitude = Degrees(edit.Longitude, "longitude", "longitud", problems);
        var latInside = latitude is not { } lat || (lat >= Sweden.South && lat <= Sweden.North);
        var lonInside = longitude is not { } lon || (lon >= Sweden.West && lon <= Sweden.East);
        if (!latInside && !lonInside && longitude >= Sweden.South && longitude <= Sweden.North && latitude >= Sweden.West && latitude <= Sweden.East)
        {
            Add(problems, "latitude", "Latitud och longitud verkar omkastade: latituden (nord) är omkring 64 i Norsjö, longituden (öst) omkring 19.");
        }
        else
        {
            if (!latInside)
            {
                Add(problems, "latitude", $"Latitud {Text(latitude!.Value)} ligger inte i Sverige (WGS84, {Text(Sweden.South)}–{Text(Sweden.North)} grader nord).");
            }

            if (!lonInside)
            {
                Add(problems, "longitude", $"Longitud {Text(longitude!.Value)} ligger inte i Sverige (WGS84, {Text(Sweden.West)}–{Text(Sweden.East)} grader öst).");
            }

            // Inside the box, yet in Denmark, Norway, Finland, Åland or the sea: the outline says so.
            if (latInside && lonInside && latitude is { } la && longitude is { } lo && !SwedenOutline.Contains(la, lo))
            {
                Add(problems, "latitude", $"Punkten {Text(la)} N, {Text(lo)} Ö ligger inte i Sverige: kontrollera koordinaterna (WGS84, decimala grader).");
            }
        }

        return new ServicePointEntry(name, village, hours, services, [.. deliveries], payments, other,
            Math.Round(latitude ?? 0, 6), Math.Round(longitude ?? 0, 6));
    }

    private static IReadOnlyList<string> Codes(IReadOnlyList<string>? given, IReadOnlyList<ServiceKind> catalogue, string field, string unknown, Dictionary<string, string[]> problems)
    {
        var codes = (given ?? []).Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).ToList();
        foreach (var code in codes.Where(c => catalogue.All(k => k.Code != c)))
        {
            Add(problems, field, $"'{code}' {unknown}.");
        }

        return ServiceCatalog.InOrder(codes, catalogue);
    }

    private static double? Degrees(string? text, string field, string word, Dictionary<string, string[]> problems)
    {
        var value = Trimmed(text);
        if (value is null)
        {
            Add(problems, field, $"Ange {word} (WGS84, decimala grader, t.ex. {(field == "latitude" ? "64,91" : "19,48")}).");
            return null;
        }

        if (double.TryParse(value.Replace(',', '.'), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var degrees)
            && double.IsFinite(degrees))
        {
            return degrees;
        }

        Add(problems, field, $"'{value}' är ingen {word}; skriv decimala grader, t.ex. {(field == "latitude" ? "64,91" : "19,48")}.");
        return null;
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Text(double value) => value.ToString("0.###", CultureInfo.GetCultureInfo("sv-SE"));

    public static void Add(Dictionary<string, string[]> problems, string field, string message)
    {
        ArgumentNullException.ThrowIfNull(problems);
        problems[field] = problems.TryGetValue(field, out var known) ? [.. known, message] : [message];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,39}$")]
    private static partial Regex IdPattern();
}
