using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Users;

namespace Norsjo.Retail.Hub.Api;

/// <summary>A store as the registry editor shows it; opening hours per weekday (mon…sun) as the file writes them.</summary>
public sealed record StoreFacts(
    string Id, string Name, string Village, string Opened, bool Reports, BaselineFacts? Baseline, IReadOnlyDictionary<string, string> Hours);

public sealed record BaselineFacts(int Year, long DagligvarorKr, long SallankopKr);

public sealed record YearFacts(
    int Year, int Population, long DagligvarorPerResidentKr, long SallankopPerResidentKr, decimal IncomeFactor,
    string PopulationSource, string NationalTurnoverSource, string IncomeFactorSource, YearBasis Basis);

public sealed record CategoryFacts(IReadOnlyList<string> Dagligvaror, IReadOnlyList<string> Excluded, IReadOnlyList<string> Food);

public sealed record SubsidyRuleFacts(
    string ValidFrom, string? ValidTo, decimal AmountKr, decimal MinDistanceKm, int MaxPerHouseholdPerWeek, IReadOnlyList<string> Localities, bool RegisteredHouseholdsOnly);

/// <summary>The whole registry as it holds today, with what it lacks.</summary>
public sealed record RegistryView(
    string Municipality, decimal EstimateUncertainty, IReadOnlyList<StoreFacts> Stores, IReadOnlyList<YearFacts> Years,
    CategoryFacts Categories, IReadOnlyList<SubsidyRuleFacts> SubsidyRules, IReadOnlyList<MissingFact> Missing);

/// <summary>
/// A store as typed on the page: every value a text, checked by the registry file's own parser. A
/// value left out keeps what the store has (a new store needs them all). ValidFrom: from which day
/// the change holds (YYYY-MM-DD, today or later; empty: today).
/// </summary>
public sealed record StoreEdit(
    string? Name, string? Village, string? Opened, bool? Reports, BaselineEdit? Baseline, IReadOnlyDictionary<string, string>? Hours, string? ValidFrom);

/// <summary>A baseline as typed; all three empty removes it.</summary>
public sealed record BaselineEdit(string? Year, string? DagligvarorKr, string? SallankopKr);

/// <summary>A year's figures as typed, each with where it comes from.</summary>
public sealed record YearEdit(
    string? Population, string? DagligvarorPerResidentKr, string? SallankopPerResidentKr, string? IncomeFactor,
    string? PopulationSource, string? NationalTurnoverSource, string? IncomeFactorSource);

public sealed record CategoriesEdit(IReadOnlyList<string>? Dagligvaror, IReadOnlyList<string>? Excluded, IReadOnlyList<string>? Food, string? ValidFrom);

public sealed record SubsidyRuleEdit(
    string? ValidTo, string? AmountKr, string? MinDistanceKm, string? MaxPerHouseholdPerWeek, IReadOnlyList<string>? Localities, bool? RegisteredHouseholdsOnly);

public sealed record HoursEdit(IReadOnlyDictionary<string, string>? Hours);

public sealed record RegistryImported(int Changed);

/// <summary>
/// The registry on the pages: /admin edits stores, years with sources, the category mapping and
/// subsidy rules; every change is kept with who, when and the old value; a store owner sets their
/// own shop's opening hours. Every edit is checked by <see cref="RegistryFile"/>'s parser, the same
/// rules as the file, and refused per field.
/// </summary>
public static class RegistryApi
{
    public static void MapRegistryApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var registry = api.MapGroup("/admin/registry").RequireAuthorization("registry").WithTags("Register");
        registry.MapGet("/", View).WithName("RegistryView").WithSummary("The registry as it holds today, and what it lacks (years without figures, figures without a source)");
        registry.MapPut("/stores/{storeId}", PutStore).WithName("RegistryPutStore").WithSummary("Add or change a store (from validFrom, never backwards)");
        registry.MapPut("/years/{year:int}", PutYear).WithName("RegistryPutYear").WithSummary("Set a year's population, national turnover per resident and income factor, with their sources");
        registry.MapDelete("/years/{year:int}", DeleteYear).WithName("RegistryDeleteYear").WithSummary("Remove a year's figures (the index then borrows an earlier year's, provisionally)");
        registry.MapPut("/categories", PutCategories).WithName("RegistryPutCategories").WithSummary("Set which category codes are dagligvaror, excluded and food (from validFrom)");
        registry.MapPut("/subsidy/rules/{validFrom}", PutRule).WithName("RegistryPutSubsidyRule").WithSummary("Add or change a subsidy rule that starts today or later");
        registry.MapGet("/history/{kind}/{key}", History).WithName("RegistryHistory").WithSummary("Every change of one item (kind store, year, categories, subsidy_rule; key '-' for categories), newest first");
        registry.MapGet("/export", Export).WithName("RegistryExport").Produces<string>(contentType: "application/yaml").WithSummary("The whole registry as a registry file (the format Registry:File seeds from)");
        registry.MapPost("/import", Import).WithName("RegistryImport").WithSummary("Replace the whole registry by a registry file (text body), checked as the hub checks its file");
        api.MapGet("/stores/{storeId}/opening-hours", OwnHours).WithName("StoreOpeningHours").WithTags("Butik")
            .WithSummary("The shop's opening hours per weekday, as the registry holds them today");
        api.MapPut("/stores/{storeId}/opening-hours", PutOwnHours).WithName("StorePutOpeningHours").WithTags("Butik")
            .WithSummary("The store owner sets the shop's opening hours (forecasts and the silent-agent check use them at once)");
    }

    public static RegistryView View(RegistryFacts facts, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var r = facts.Current;
        return new RegistryView(
            r.Municipality, r.EstimateUncertainty, [.. r.Stores.Select(Facts)],
            [.. r.Years.Select(y => new YearFacts(y.Year, y.Population, y.NationalDagligvarorPerResidentKr, y.NationalSallankopPerResidentKr, y.IncomeFactor,
                y.Sources.Population, y.Sources.NationalTurnover, y.Sources.IncomeFactor, YearBasis.For(r, y.Year)))],
            new CategoryFacts([.. r.Categories.Dagligvaror.Order(StringComparer.Ordinal)], [.. r.Categories.Excluded.Order(StringComparer.Ordinal)], [.. r.Categories.Food.Order(StringComparer.Ordinal)]),
            [.. r.Subsidy.Rules.Select(x => new SubsidyRuleFacts(Day(x.ValidFrom), x.ValidTo is { } to ? Day(to) : null, x.AmountOre / 100m, x.MinDistanceM / 1000m,
                x.MaxPerHouseholdPerWeek, [.. x.Localities.Order(StringComparer.Ordinal)], x.RegisteredHouseholdsOnly))],
            MissingFact.In(r, Time.SwedishTime.Today(time).Year));
    }

    public static async Task<Results<Ok<StoreFacts>, ValidationProblem>> PutStore(string storeId, StoreEdit edit, ClaimsPrincipal user, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(facts);
        var current = facts.Current.Find(storeId);
        var yaml = new StringBuilder()
            .Append("  - id: ").Append(RegistryYaml.Quote(storeId)).Append('\n');
        Line(yaml, "    name", edit.Name ?? current?.Name);
        Line(yaml, "    village", edit.Village ?? current?.Village);
        Line(yaml, "    opened", edit.Opened ?? (current is null ? null : Day(current.Opened)));
        if (!(edit.Reports ?? current?.Reports ?? true))
        {
            yaml.Append("    reports: false\n");
        }

        var baseline = edit.Baseline is null
            ? current?.Baseline is { } b ? (Year: Num(b.Year), Dag: Num(b.DagligvarorKr), Sal: Num(b.SallankopKr)) : default
            : (Year: edit.Baseline.Year, Dag: edit.Baseline.DagligvarorKr, Sal: edit.Baseline.SallankopKr);
        if (!string.IsNullOrWhiteSpace(baseline.Year) || !string.IsNullOrWhiteSpace(baseline.Dag) || !string.IsNullOrWhiteSpace(baseline.Sal))
        {
            yaml.Append("    baseline:\n");
            Line(yaml, "      year", baseline.Year);
            Line(yaml, "      dagligvaror_kr", baseline.Dag);
            Line(yaml, "      sallankopsvaror_kr", baseline.Sal);
        }

        var hours = edit.Hours?.Select(h => (h.Key, h.Value)) ?? (current is null ? null : RegistryYaml.HoursText(current.Hours));
        if (hours is not null)
        {
            yaml.Append(RegistryYaml.HoursBlock(hours));
        }

        return await ChangeAsync(new RegistryItem(RegistryYaml.Store, storeId, yaml.ToString()), edit.ValidFrom, user, facts,
            () => Facts(facts.Current.Find(storeId)!), ct).ConfigureAwait(false);
    }

    public static async Task<Results<Ok<YearFacts>, ValidationProblem>> PutYear(int year, YearEdit edit, ClaimsPrincipal user, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(facts);
        var yaml = new StringBuilder().Append(CultureInfo.InvariantCulture, $"  - year: {year}\n");
        Line(yaml, "    population", edit.Population);
        yaml.Append("    national_turnover_per_resident_kr:\n");
        Line(yaml, "      dagligvaror", edit.DagligvarorPerResidentKr);
        Line(yaml, "      sallankopsvaror", edit.SallankopPerResidentKr);
        Line(yaml, "    income_factor", string.IsNullOrWhiteSpace(edit.IncomeFactor) ? "1.0" : edit.IncomeFactor);
        var sources = new[] { ("population", edit.PopulationSource), ("national_turnover", edit.NationalTurnoverSource), ("income_factor", edit.IncomeFactorSource) }
            .Where(s => !string.IsNullOrWhiteSpace(s.Item2)).ToList();
        if (sources.Count > 0)
        {
            yaml.Append("    sources:\n");
            foreach (var (key, value) in sources)
            {
                Line(yaml, "      " + key, value);
            }
        }

        return await ChangeAsync(new RegistryItem(RegistryYaml.Year, Num(year), yaml.ToString()), null, user, facts, () =>
        {
            var r = facts.Current;
            var y = r.Years.Single(x => x.Year == year);
            return new YearFacts(y.Year, y.Population, y.NationalDagligvarorPerResidentKr, y.NationalSallankopPerResidentKr, y.IncomeFactor,
                y.Sources.Population, y.Sources.NationalTurnover, y.Sources.IncomeFactor, YearBasis.For(r, year));
        }, ct).ConfigureAwait(false);
    }

    public static async Task<Results<NoContent, ValidationProblem>> DeleteYear(int year, ClaimsPrincipal user, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var outcome = await ChangeAsync(new RegistryItem(RegistryYaml.Year, Num(year), string.Empty), null, user, facts, () => true, ct).ConfigureAwait(false);
        return outcome.Result is ValidationProblem problem ? problem : TypedResults.NoContent();
    }

    public static async Task<Results<Ok<CategoryFacts>, ValidationProblem>> PutCategories(CategoriesEdit edit, ClaimsPrincipal user, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(facts);
        var current = facts.Current.Categories;
        var yaml = new StringBuilder("categories:\n");
        List("dagligvaror", edit.Dagligvaror ?? [.. current.Dagligvaror]);
        List("excluded", edit.Excluded ?? [.. current.Excluded]);
        List("food", edit.Food ?? [.. current.Food]);
        return await ChangeAsync(new RegistryItem(RegistryYaml.Categories, string.Empty, yaml.ToString()), edit.ValidFrom, user, facts, () =>
        {
            var c = facts.Current.Categories;
            return new CategoryFacts([.. c.Dagligvaror.Order(StringComparer.Ordinal)], [.. c.Excluded.Order(StringComparer.Ordinal)], [.. c.Food.Order(StringComparer.Ordinal)]);
        }, ct).ConfigureAwait(false);

        void List(string key, IReadOnlyList<string> codes) =>
            yaml.Append("  ").Append(key).Append(": [").Append(string.Join(", ", codes.Select(RegistryYaml.Quote))).Append("]\n");
    }

    public static async Task<Results<Ok<SubsidyRuleFacts>, ValidationProblem>> PutRule(string validFrom, SubsidyRuleEdit edit, ClaimsPrincipal user, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(facts);
        var yaml = new StringBuilder();
        Line(yaml, "    - valid_from", validFrom);
        if (!string.IsNullOrWhiteSpace(edit.ValidTo))
        {
            Line(yaml, "      valid_to", edit.ValidTo);
        }

        Line(yaml, "      amount_kr", edit.AmountKr);
        Line(yaml, "      min_distance_km", edit.MinDistanceKm);
        Line(yaml, "      max_per_household_per_week", edit.MaxPerHouseholdPerWeek);
        yaml.Append("      localities: [").Append(string.Join(", ", (edit.Localities ?? []).Select(RegistryYaml.Quote))).Append("]\n");
        yaml.Append("      registered_households_only: ").Append(edit.RegisteredHouseholdsOnly == true ? "true" : "false").Append('\n');
        return await ChangeAsync(new RegistryItem(RegistryYaml.SubsidyRule, validFrom, yaml.ToString()), null, user, facts, () =>
        {
            var x = facts.Current.Subsidy.Rules.Single(r => Day(r.ValidFrom) == validFrom);
            return new SubsidyRuleFacts(Day(x.ValidFrom), x.ValidTo is { } to ? Day(to) : null, x.AmountOre / 100m, x.MinDistanceM / 1000m,
                x.MaxPerHouseholdPerWeek, [.. x.Localities.Order(StringComparer.Ordinal)], x.RegisteredHouseholdsOnly);
        }, ct).ConfigureAwait(false);
    }

    public static Ok<IReadOnlyList<RegistryChange>> History(string kind, string key, RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return TypedResults.Ok(facts.History(kind, key == "-" ? string.Empty : key));
    }

    public static ContentHttpResult Export(RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return TypedResults.Text(facts.Export(), "application/yaml; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<Results<Ok<RegistryImported>, ValidationProblem>> Import(HttpRequest request, ClaimsPrincipal user, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(facts);
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var yaml = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        try
        {
            return TypedResults.Ok(new RegistryImported(await facts.ImportAsync(yaml, Who(user), ct).ConfigureAwait(false)));
        }
        catch (RegistryChangeRefusedException e)
        {
            return TypedResults.ValidationProblem(e.Problems, "Registret kunde inte läsas in.");
        }
    }

    public static Ok<StoreFacts> OwnHours(string storeId, ClaimsPrincipal user, RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var registry = facts.Current;
        return TypedResults.Ok(Facts(registry.Find(ApiRequest.Store(user, storeId, registry))!));
    }

    /// <summary>The store owner's own shop only (an admin may too); the rest of the store's entry stays as it is.</summary>
    public static async Task<Results<Ok<StoreFacts>, ValidationProblem>> PutOwnHours(string storeId, HoursEdit edit, ClaimsPrincipal user, RegistryFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(facts);
        var id = ApiRequest.Store(user, storeId, facts.Current);
        if (edit.Hours is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["hours"] = ["Ange öppettider för veckodagarna."] });
        }

        return await PutStore(id, new StoreEdit(null, null, null, null, null, edit.Hours, null), user, facts, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<T>, ValidationProblem>> ChangeAsync<T>(
        RegistryItem item, string? validFrom, ClaimsPrincipal user, RegistryFacts facts, Func<T> after, CancellationToken ct)
    {
        DateOnly? from = null;
        if (!string.IsNullOrWhiteSpace(validFrom))
        {
            if (!DateOnly.TryParseExact(validFrom.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["validFrom"] = [$"'{validFrom}' är inget datum (ÅÅÅÅ-MM-DD)."] });
            }

            from = day;
        }

        try
        {
            await facts.ChangeAsync(item, from, Who(user), ct).ConfigureAwait(false);
            return TypedResults.Ok(after());
        }
        catch (RegistryChangeRefusedException e)
        {
            return TypedResults.ValidationProblem(e.Problems, "Ändringen sparades inte.");
        }
    }

    private static StoreFacts Facts(Store s) => new(
        s.Id, s.Name, s.Village, Day(s.Opened), s.Reports,
        s.Baseline is { } b ? new BaselineFacts(b.Year, b.DagligvarorKr, b.SallankopKr) : null,
        RegistryYaml.HoursText(s.Hours).ToDictionary(h => h.Day, h => h.Text, StringComparer.Ordinal));

    /// <summary>A "key: value" line when the value was given (left out: the parser says it is missing).</summary>
    private static void Line(StringBuilder yaml, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            yaml.Append(key).Append(": ").Append(RegistryYaml.Quote(value.Trim())).Append('\n');
        }
    }

    private static string Who(ClaimsPrincipal user) => user.Identity?.Name ?? "okänd";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
