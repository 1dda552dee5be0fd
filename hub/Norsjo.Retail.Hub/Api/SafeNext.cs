namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// Where the sign-in page may send a user afterwards: only a path on this hub. The text is parsed as
/// a URL against a stand-in origin and accepted only if it stays there; backslashes (which browsers
/// read as '/', so "/\evil" is "//evil"), control characters (a tab inside "/\t/evil" is dropped by
/// the URL parser, leaving "//evil"), "//" and schemes are refused before parsing.
/// </summary>
public static class SafeNext
{
    private static readonly Uri Here = new("http://hub.invalid/");

    public static string? Path(string? next)
    {
        if (string.IsNullOrEmpty(next) || next.Length > 2048 || next[0] != '/' || next.StartsWith("//", StringComparison.Ordinal)
            || next.Any(c => c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return null;
        }

        return Uri.TryCreate(Here, next, out var parsed) && parsed.Scheme == Here.Scheme && parsed.Authority == Here.Authority
            ? next
            : null;
    }
}
