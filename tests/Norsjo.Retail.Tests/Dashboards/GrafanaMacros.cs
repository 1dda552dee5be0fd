using System.Globalization;
using System.Text.RegularExpressions;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>
/// Expands the few macros of Grafana's ClickHouse data source (grafana-clickhouse-datasource,
/// pkg/macros) that the dashboards under dashboards/grafana may use, the way the plugin does, so the
/// SQL a panel sends can be run on a real server:
/// <list type="bullet">
/// <item><c>$__dateFilter(col)</c> → <c>col &gt;= toDate('from') AND col &lt;= toDate('to')</c>, dates of the range in UTC;</item>
/// <item><c>$__fromTime</c>, <c>$__toTime</c> → <c>toDateTime(unix seconds)</c>.</item>
/// </list>
/// Anything else that looks like a macro or a dashboard variable (<c>$__x</c>, <c>$x</c>, <c>${x}</c>)
/// is refused: the dashboards keep to this set, and the README lists it.
/// </summary>
public static partial class GrafanaMacros
{
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(["dateFilter", "fromTime", "toTime"], StringComparer.Ordinal);

    public static string Expand(string sql, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var expanded = Macro().Replace(sql, m =>
        {
            var name = m.Groups["name"].Value;
            var args = m.Groups["args"].Success ? m.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries) : [];
            return (name, args) switch
            {
                ("dateFilter", [var column]) => $"{column} >= {Date(from)} AND {column} <= {Date(to)}",
                ("fromTime", []) => Time(from),
                ("toTime", []) => Time(to),
                _ => throw new ArgumentException($"'{m.Value}' is not one of the macros the dashboards may use ({string.Join(", ", Supported)}).", nameof(sql)),
            };
        });
        return Variable().Match(expanded) is { Success: true } variable
            ? throw new ArgumentException($"'{variable.Value}': the dashboards use no variables besides the macros.", nameof(sql))
            : expanded;
    }

    private static string Date(DateTimeOffset time) => $"toDate('{time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}')";

    private static string Time(DateTimeOffset time) => $"toDateTime({time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)})";

    [GeneratedRegex(@"\$__(?<name>\w+)(?:\((?<args>[^)]*)\))?")]
    private static partial Regex Macro();

    [GeneratedRegex(@"\$\{?\w+")]
    private static partial Regex Variable();
}
