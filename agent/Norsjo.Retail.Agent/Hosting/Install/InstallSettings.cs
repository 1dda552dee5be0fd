namespace Norsjo.Retail.Agent.Hosting.Install;

/// <summary>
/// What `install` and `uninstall` were asked to do. The agent's own settings (--Agent:HubUrl=…,
/// --Agent:ExportFolder=…) go unchanged onto the service's command line; the rest are the
/// installation's: where things go and who runs the service.
/// </summary>
public sealed record InstallSettings(
    ServiceHost Host,
    string Program,
    string ProgramFolder,
    string DataDirectory,
    string ServiceFolder,
    string User,
    string? Code,
    IReadOnlyList<string> AgentSettings,
    bool DryRun,
    bool Purge,
    bool Start)
{
    public const string LinuxUser = "norsjo-agent";

    public static InstallSettings Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? Value(string name)
        {
            var at = Array.IndexOf(args, name);
            return at < 0 ? null : at + 1 < args.Length && !args[at + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[at + 1]
                : throw new InstallException($"{name} needs a value.");
        }

        var host = Value("--for") switch
        {
            null => OperatingSystem.IsWindows() ? ServiceHost.Windows : ServiceHost.Systemd,
            "linux" or "systemd" => ServiceHost.Systemd,
            "windows" => ServiceHost.Windows,
            var other => throw new InstallException($"--for {other}: say linux or windows."),
        };
        var dryRun = args.Contains("--dry-run");
        if (host == ServiceHost.Windows != OperatingSystem.IsWindows() && !dryRun)
        {
            throw new InstallException("--for names another system than this one: that works with --dry-run only.");
        }

        var agentSettings = args.Where(a => a.StartsWith("--Agent:", StringComparison.OrdinalIgnoreCase)).ToList();
        var data = agentSettings.LastOrDefault(a => a.StartsWith("--Agent:DataDirectory=", StringComparison.OrdinalIgnoreCase))?.Split('=', 2)[1]
            ?? (host == ServiceHost.Windows ? @"C:\ProgramData\Norsjo Retail Agent" : "/var/lib/norsjo-retail-agent");
        var program = Value("--program") ?? Environment.ProcessPath ?? throw new InstallException("--program: which file is the agent?");
        if (Path.GetFileNameWithoutExtension(program).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            throw new InstallException("Run install from the published agent file (Norsjo.Retail.Agent), not through `dotnet`: that file is what the service runs.");
        }

        return new InstallSettings(
            host,
            program,
            Value("--program-folder") ?? (host == ServiceHost.Windows ? @"C:\Program Files\Norsjo Retail Agent" : "/opt/norsjo-retail-agent"),
            data,
            Value("--service-folder") ?? (host == ServiceHost.Windows ? string.Empty : ServicePlan.SystemdFolder),
            Value("--user") ?? (host == ServiceHost.Windows ? @"NT AUTHORITY\LocalService" : LinuxUser),
            Value("--code"),
            [.. agentSettings.Where(a => !a.StartsWith("--Agent:DataDirectory=", StringComparison.OrdinalIgnoreCase))],
            dryRun,
            args.Contains("--purge"),
            !args.Contains("--no-start"));
    }

    /// <summary>One of the agent's settings as given on the command line, or null.</summary>
    public string? Agent(string name) =>
        AgentSettings.LastOrDefault(a => a.StartsWith($"--Agent:{name}=", StringComparison.OrdinalIgnoreCase))?.Split('=', 2)[1];
}

public enum ServiceHost
{
    Systemd,
    Windows,
}
