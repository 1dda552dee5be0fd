using System.Text.RegularExpressions;

namespace Norsjo.Retail.Hub.Tenancy;

/// <summary>
/// One municipality on the hub (a tenant): its registry, target, users, subsidy rules, service
/// points and published months are its own, and every store belongs to exactly one municipality.
/// The hub's own registry file (Registry:File) is the first municipality's; more are configured
/// under Municipalities:{id} (see <see cref="MunicipalityOptions"/>).
/// </summary>
public sealed partial record Municipality(string Id)
{
    /// <summary>
    /// The id of the municipality of the hub's own registry file: what a single-municipality
    /// installation has always been, and what its rows are migrated to (operational step 30).
    /// </summary>
    public const string FirstId = "kommunen";

    public static Municipality First { get; } = new(FirstId);

    public bool IsFirst => Id == FirstId;

    /// <summary>The nightly forecast's series of the municipality's total ("municipality" as it has always been for the first).</summary>
    public string ForecastSeries => IsFirst ? "municipality" : "municipality-" + Id;

    /// <summary>An id is 2–40 of a–z, 0–9 and '-', as store ids are: it goes into URLs, claims and series names.</summary>
    public static bool IsId(string id) => IdPattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,39}$")]
    private static partial Regex IdPattern();
}

/// <summary>A further municipality on the hub: Municipalities:{id}:Registry (its registry file) and, if it has one, ServicePoints (its service points' seed file).</summary>
public sealed class MunicipalityOptions
{
    public const string Section = "Municipalities";

    public string Registry { get; set; } = string.Empty;

    public string? ServicePoints { get; set; }
}
