using System.Globalization;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>
/// `Norsjo.Retail.Agent check-sie FILE…`: what the agent would do with each SIE file under the
/// shop's settings — days sent, days held back, or why the file is refused — and which vendor
/// profiles would read it cleanly. Reads only; sends and moves nothing.
/// </summary>
public static class SieCheck
{
    public static int Run(SieAccounts settings, IReadOnlyList<string> files, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(output);
        var refused = 0;
        foreach (var path in files)
        {
            byte[] content;
            try
            {
                content = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                output.WriteLine($"{path}: kan inte läsas ({e.Message})");
                refused++;
                continue;
            }

            var file = Read(settings, content);
            var sent = file.Days.Sum(d => d.Sales.Sum(s => s.GrossOre));
            output.WriteLine($"{path}: {file.EncodingName}, profil {settings.Resolve().Profile}");
            if (file.FileError is not null)
            {
                refused++;
                output.WriteLine($"  VÄGRAS: {file.FileError}");
            }
            else if (file.Vouchers == 0 && file.Errors.Count == 0)
            {
                refused++;
                output.WriteLine($"  VÄGRAS: {Sie4Format.NoVouchers}");
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  skickas: {file.Days.Count} dagar, {SwedishValues.Kronor(sent)} försäljning ({file.Vouchers} verifikationer)"));
                foreach (var error in file.Errors)
                {
                    output.WriteLine($"  rad {error.LineNumber}: {error.Problem}");
                }
            }

            var fitting = SieProfiles.Names
                .Where(name => Read(new SieAccounts { Profile = name, AcceptBookkeeping = settings.AcceptBookkeeping, ZReportSeries = settings.ZReportSeries }, content)
                    is { FileError: null, Errors.Count: 0, Days.Count: > 0 })
                .ToList();
            output.WriteLine(fitting.Count > 0 ? $"  läses utan fel med profil: {string.Join(", ", fitting)}" : "  ingen profil läser filen utan fel");
        }

        return refused == 0 ? 0 : 1;
    }

    private static SieFile Read(SieAccounts settings, byte[] content)
    {
        try
        {
            return new Sie4Reader(settings).Parse(content);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new SieFile("?", string.Empty, 0, [], [], $"Läsaren föll ({e.GetType().Name}: {e.Message}).");
        }
    }
}
