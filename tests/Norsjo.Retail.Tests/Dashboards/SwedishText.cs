using System.Globalization;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>Reads figures back from the pages' Swedish text ("1 234,5 kr", "27,4 %", "−3,1 %").</summary>
public static class SwedishText
{
    public static decimal Number(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = new string(text.Replace('\u2212', '-').Where(c => char.IsDigit(c) || c is ',' or '-').ToArray());
        return decimal.Parse(digits.Replace(',', '.'), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    /// <summary>How many decimals the text shows: the page rounds, so it is right within half a unit of its last digit.</summary>
    public static int Decimals(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        return comma < 0 ? 0 : text.Skip(comma + 1).TakeWhile(char.IsDigit).Count();
    }

    /// <summary>The page shows <paramref name="expected"/> (times <paramref name="scale"/>, e.g. 100 for a share shown in %).</summary>
    public static void Shows(decimal expected, string shown, decimal scale = 1)
    {
        var tolerance = 0.5m * (decimal)Math.Pow(10, -Decimals(shown)) + 0.0001m;
        Assert.True(Math.Abs((expected * scale) - Number(shown)) <= tolerance, $"the page shows '{shown}', the API says {expected * scale}");
    }
}
