using System.Globalization;

namespace Norsjo.Retail.Benchmarks;

/// <summary>Options after the benchmark's name, e.g. <c>--stores 30,300 --years 1,3</c>.</summary>
public static class BenchArgs
{
    /// <summary>The comma-separated numbers after <paramref name="name"/>, or <paramref name="fallback"/> when it is not given.</summary>
    public static int[] Numbers(string[] args, string name, params int[] fallback)
    {
        ArgumentNullException.ThrowIfNull(args);
        var at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return fallback;
        }

        if (at + 1 >= args.Length)
        {
            throw new ArgumentException($"{name} needs a value, e.g. {name} {string.Join(',', fallback)}");
        }

        return [.. args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture)).Distinct().Order()];
    }

    /// <summary>The text after <paramref name="name"/>, or null when it is not given.</summary>
    public static string? Text(string[] args, string name)
    {
        ArgumentNullException.ThrowIfNull(args);
        var at = Array.IndexOf(args, name);
        return at < 0 ? null : at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{name} needs a value");
    }

    /// <summary>The command line that reproduces a figure.</summary>
    public static string Command(string benchmark, params (string Name, int[] Values)[] options) =>
        $"./norsjo bench {benchmark}" + string.Concat(options.Select(o => $" {o.Name} {string.Join(',', o.Values)}"));
}
