using Grpc.Core;
using Microsoft.Extensions.Options;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Agent.Upload;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Hosting;

/// <summary>The agent's commands: run (the service), enroll (once), status (for whoever looks after the till).</summary>
public static class AgentCommandLine
{
    public const string Usage = """
        Norsjo.Retail.Agent [run]                 run the agent (as a service)
        Norsjo.Retail.Agent enroll --code CODE    exchange the municipality's one-time code for the store's credential
        Norsjo.Retail.Agent status                queue depth and what is waiting
        Norsjo.Retail.Agent evidence --month YYYY-MM [--out FILE]
                                                  the month's home deliveries with households, for the municipality's
                                                  audit: printed here only, never sent
        Norsjo.Retail.Agent check-sie FILE...     what the agent would do with these SIE files (days sent, held back or
                                                  refused, and which profile reads them); reads only, sends nothing
        Norsjo.Retail.Agent install --code CODE --Agent:HubUrl=URL [--Agent:ExportFolder=DIR ...] [--dry-run]
                                                  register the agent as a service (systemd or Windows), with its data
                                                  folder, its own user and the enrollment; --dry-run prints the steps only
        Norsjo.Retail.Agent uninstall [--purge] [--dry-run]
                                                  remove the service and the program; the data folder stays unless --purge
        Settings as --Agent:Name=value (see agent/README.md), e.g. --Agent:HubUrl=https://hub:5081
        """;

    /// <param name="output">Where the commands write their answer (standard output by default).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        switch (command)
        {
            case "run":
                try
                {
                    using var host = AgentApplication.Build(rest);
                    await host.RunAsync().ConfigureAwait(false);
                    return 0;
                }
                catch (OptionsValidationException e)
                {
                    Console.Error.WriteLine(string.Join(Environment.NewLine, e.Failures));
                    return 1;
                }
            case "enroll":
                return await EnrollAsync(rest, output).ConfigureAwait(false);
            case "status":
                return Status(rest, output);
            case "evidence":
                return PrintEvidence(rest, output);
            case "install" or "uninstall":
                return await InstallAsync(command, rest, output).ConfigureAwait(false);
            case "check-sie":
                return Sources.Sie.SieCheck.Run(Settings(rest.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray()).Sie,
                    rest.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList(), output);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static async Task<int> EnrollAsync(string[] args, TextWriter output)
    {
        var codeAt = Array.IndexOf(args, "--code");
        if (codeAt < 0 || codeAt + 1 >= args.Length)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        return await EnrollAsync(args[codeAt + 1], Settings(args.Where((_, i) => i != codeAt && i != codeAt + 1).ToArray()), output).ConfigureAwait(false);
    }

    private static async Task<int> EnrollAsync(string code, AgentOptions settings, TextWriter output)
    {
        using var channel = HubChannel.Create(settings.HubUrl, settings.HubCertificate);
        try
        {
            var reply = await new Contracts.V1.Enrollment.EnrollmentClient(channel)
                .EnrollAsync(new EnrollRequest { Code = code, AgentVersion = BatchBuilder.AgentVersion }, deadline: DateTime.UtcNow.AddSeconds(30))
                .ConfigureAwait(false);
            new Enrollment(reply.StoreId, reply.Credential).Save(settings.DataDirectory);
            if (!File.Exists(Path.Combine(settings.DataDirectory, SqliteOutbox.FileName)) && OutboxLedger.Read(settings.DataDirectory) is null)
            {
                // Made now with its ledger: from here on a missing or emptied outbox is damage, never "new".
                new SqliteOutbox(settings.DataDirectory, settings.OutboxCapacity).Dispose();
            }

            output.WriteLine($"Enrolled as store {reply.StoreId}. The credential is kept in {Path.Combine(Path.GetFullPath(settings.DataDirectory), Enrollment.FileName)}.");
            return 0;
        }
        catch (RpcException e)
        {
            Console.Error.WriteLine(e.StatusCode == StatusCode.Unauthenticated
                ? "The hub did not accept the code: it is unknown, already used or expired. Ask the municipality for a new one."
                : $"Could not reach the hub at {settings.HubUrl}: {e.Status.Detail}");
            return 1;
        }
    }

    /// <summary>install / uninstall: the steps printed (--dry-run) or done one after another, stopping at the first that fails.</summary>
    private static async Task<int> InstallAsync(string command, string[] args, TextWriter output)
    {
        try
        {
            var settings = Install.InstallSettings.Parse(args);
            var steps = command == "install"
                ? Install.ServicePlan.Install(settings, (data, agentSettings, o) => EnrollAsync(settings.Code!, Settings([.. agentSettings, "--Agent:DataDirectory=" + data]), o))
                : Install.ServicePlan.Uninstall(settings);
            if (!settings.DryRun && !OperatingSystem.IsWindows() && Environment.UserName != "root" && !args.Contains("--user"))
            {
                Console.Error.WriteLine($"{command} makes a user and writes to system folders: run it as root (sudo).");
                return 1;
            }

            output.WriteLine(settings.DryRun ? $"{command} would do this ({settings.Host}):" : $"{command} ({settings.Host}):");
            foreach (var step in steps)
            {
                output.WriteLine($"- {step.Describe()}");
                if (!settings.DryRun)
                {
                    await step.RunAsync(output).ConfigureAwait(false);
                }
            }

            return 0;
        }
        catch (Exception e) when (e is Install.InstallException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{command} stopped: {e.Message}");
            return 1;
        }
    }

    /// <summary>Shows the agent's state. Only reads: a damaged outbox is left for the agent to repair when it starts.</summary>
    private static int Status(string[] args, TextWriter output)
    {
        var settings = Settings(args);
        var enrolled = Enrollment.Load(settings.DataDirectory);
        static string When(DateTimeOffset? at) => at is null ? "never" : at.Value.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"Store:     {enrolled?.StoreId ?? (settings.StoreId.Length > 0 ? settings.StoreId : "(not enrolled)")}");
        output.WriteLine($"Hub:       {settings.HubUrl}");
        var inspection = OutboxInspection.Inspect(settings.DataDirectory, settings.OutboxCapacity);
        if (inspection.NeverStarted)
        {
            output.WriteLine("Outbox:    empty (never started)");
        }

        if (inspection.Problem is { } problem)
        {
            output.WriteLine($"Outbox:    DAMAGED ({problem}). Left as it is: the agent rebuilds it when it starts, sends the files again and reports what could not be saved");
        }

        if (inspection.Status is { } status)
        {
            output.WriteLine($"Queue:     {status.Items} items waiting ({status.Items * 100 / Math.Max(1, status.Capacity)} % of {status.Capacity}){(status.NearlyFull ? "  NEARLY FULL" : string.Empty)}");
            output.WriteLine($"Batches:   {status.OpenBatches} formed and not yet acknowledged");
            output.WriteLine($"Last sent: {When(status.LastSuccess)}");
            output.WriteLine($"Last error:{(status.LastError is null ? " none" : $" {When(status.LastErrorAt)} {status.LastError}")}");
            output.WriteLine($"Refused:   {status.Rejected} batches or items the hub refused, kept aside (outbox tables rejected_batches, rejected_items)");
            output.WriteLine($"Damaged:   {status.DamagedItems} items kept aside (outbox table damaged_items)");
            if (status.SendAgainPending > 0)
            {
                output.WriteLine($"Send again: {status.SendAgainPending} files to be sent again from behandlade/ (damaged or lost items); waiting while the file is not found there");
            }
        }

        var condition = AgentCondition.Read(settings.DataDirectory);
        var free = DiskFull.FreeBytes(settings.DataDirectory);
        var freeText = free is null ? "unknown" : $"{free.Value / (1024 * 1024)} MB free";
        output.WriteLine(condition?.StartsWith("disk-full", StringComparison.Ordinal) == true
            ? $"Disk:      FULL since {condition["disk-full".Length..].Trim()} (UTC; {freeText}): intake paused, uploads go on; it resumes by itself when space returns"
            : $"Disk:      {freeText}");
        if (RecoveryJournal.Last(settings.DataDirectory) is { } recovery)
        {
            var lost = recovery.ItemsLost < 0 ? "an unknown number" : $"{recovery.ItemsLost}";
            output.WriteLine($"Recovered: {When(recovery.At)} the outbox was damaged ({recovery.Problem}); {recovery.ItemsSaved} items saved, {lost} lost; copy in {recovery.DamagedCopy}");
            if (recovery.SourcesToSendAgain.Count > 0)
            {
                output.WriteLine($"           {recovery.SourcesToSendAgain.Count} files that held lost items are sent again from behandlade/");
            }

            if (recovery.LostPosSales.Count > 0)
            {
                output.WriteLine($"           POS plug-in sales that could not be saved: {string.Join(", ", recovery.LostPosSales.Select(d => $"{d.Date:yyyy-MM-dd} {d.Sales} sales {LostSalesReport.Kronor(d.GrossOre)} kr"))}; the shop is told in {recovery.LostReport}");
            }
        }

        return 0;
    }

    private static int PrintEvidence(string[] args, TextWriter output)
    {
        var monthAt = Array.IndexOf(args, "--month");
        if (monthAt < 0 || monthAt + 1 >= args.Length
            || !DateOnly.TryParseExact(args[monthAt + 1] + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var month))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var settings = Settings(args);
        var csv = new Evidence.DeliveryEvidence(settings.DataDirectory, new Anonymisation.ReceiptAnonymiser(Anonymisation.StoreSecret.LoadOrCreate(settings.DataDirectory))).Csv(month);
        var outAt = Array.IndexOf(args, "--out");
        if (outAt >= 0 && outAt + 1 < args.Length)
        {
            PrivateFile.Write(args[outAt + 1], System.Text.Encoding.UTF8.GetBytes(csv));
            output.WriteLine($"Written to {Path.GetFullPath(args[outAt + 1])} (readable by this user only). It holds personal data: hand it over, then delete it.");
        }
        else
        {
            output.Write(csv);
        }

        return 0;
    }

    private static AgentOptions Settings(string[] args)
    {
        var builder = AgentApplication.CreateBuilder(args);
        var settings = new AgentOptions();
        builder.Configuration.GetSection(AgentOptions.Section).Bind(settings);
        return settings;
    }
}
