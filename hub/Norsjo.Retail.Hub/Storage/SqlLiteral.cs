using System.Globalization;
using System.Text;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// The one way values enter SQL text. ClickHouse 18.16 has no server-side query parameters, so every
/// value is written as a literal here, escaped by ClickHouse's quoting rules, and nowhere else.
/// </summary>
public static class SqlLiteral
{
    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        AppendEscaped(sb, value, escapeQuote: true);
        return sb.Append('\'').ToString();
    }

    /// <summary>ClickHouse's backslash escapes, shared by quoted literals and TabSeparated fields.</summary>
    internal static void AppendEscaped(StringBuilder sb, string value, bool escapeQuote)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'' when escapeQuote: sb.Append(@"\'"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\0': sb.Append(@"\0"); break;
                case '\b': sb.Append(@"\b"); break;
                case '\f': sb.Append(@"\f"); break;
                default: sb.Append(c); break;
            }
        }
    }

    public static string Date(DateOnly value) =>
        "toDate('" + value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "')";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string TextList(IEnumerable<string> values) =>
        "(" + string.Join(", ", values.Select(Text)) + ")";

    /// <summary>"store_id IN (…)" for a set of stores in a stable order; a set of none matches no row (an empty IN list is not SQL).</summary>
    public static string StoreIn(IEnumerable<string> storeIds)
    {
        ArgumentNullException.ThrowIfNull(storeIds);
        var ids = storeIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return "store_id IN " + (ids.Count == 0 ? "('')" : TextList(ids));
    }

    /// <summary>A database or table name: checked, never escaped, because names cannot be quoted portably.</summary>
    public static string Identifier(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!IsIdentifier(name))
        {
            throw new ArgumentException($"'{name}' is not a plain identifier (letters, digits, underscore; not starting with a digit).", nameof(name));
        }

        return name;
    }

    public static bool IsIdentifier(string name) =>
        name.Length is > 0 and <= 64
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
