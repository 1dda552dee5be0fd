using Norsjo.Retail.Agent.Sources.Sie;
using Norsjo.Retail.Tests.Support;
using static Norsjo.Retail.Tests.Agent.Sie.SieFixtures;

namespace Norsjo.Retail.Tests.Agent.Sie;

/// <summary>`check-sie`: how a shop owner finds the profile that fits, without sending anything.</summary>
public sealed class SieCheckTests
{
    [Fact]
    public void Check_sie_says_a_file_is_refused_with_BAS_and_which_profile_reads_it()
    {
        using var folder = new TempFolder("sie-check");
        var path = Path.Combine(folder.Path, "z.se");
        File.WriteAllBytes(path, Cp437.GetBytes(EsFile()));
        using var output = new StringWriter();

        var exit = SieCheck.Run(SieAccounts.Bas(), [path], output);

        Assert.Equal(1, exit);
        Assert.Contains("VÄGRAS: Filen stämmer inte med kontoprofilen \"bas\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("läses utan fel med profil: es-kassasystem", output.ToString(), StringComparison.Ordinal);

        using var fitting = new StringWriter();
        Assert.Equal(0, SieCheck.Run(Settings(("Profile", "es-kassasystem")), [path], fitting));
        Assert.Contains("skickas: 3 dagar", fitting.ToString(), StringComparison.Ordinal);
    }
}
