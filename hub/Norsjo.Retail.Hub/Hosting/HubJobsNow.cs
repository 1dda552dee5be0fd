using System.Globalization;
using Norsjo.Retail.Hub.Jobs;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Hub.Hosting;

/// <summary>`run-jobs`: <see cref="JobsCatchUp"/> from the command line, beside a running hub.</summary>
public static class HubJobsNow
{
    public static async Task<int> RunAsync(string[] args, string monthsText)
    {
        if (!int.TryParse(monthsText, CultureInfo.InvariantCulture, out var months) || months is < 1 or > 120)
        {
            Console.Error.WriteLine($"--months must be 1–120, not '{monthsText}'.");
            return 2;
        }

        var rest = args.ToList();
        if (rest.IndexOf("--months") is var at and >= 0)
        {
            rest.RemoveRange(at, Math.Min(2, rest.Count - at));
        }

        var app = HubApplication.Build([.. rest, "--Jobs:Enabled=false", "--ClickHouse:AttachToRunningLocalServer=true", "--Logging:LogLevel:Default=Warning"]);
        var storage = app.Services.GetRequiredService<ClickHouseStorage>();
        await storage.StartAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var municipality in app.Services.GetRequiredService<Tenancy.Municipalities>().All)
            {
                Console.WriteLine($"Municipality {municipality.Municipality.Id}:");
                await municipality.GetRequiredService<JobsCatchUp>().RunAsync(months, Console.WriteLine).ConfigureAwait(false);
            }
            return 0;
        }
        finally
        {
            await storage.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
