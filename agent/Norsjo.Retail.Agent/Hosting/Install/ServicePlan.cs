using System.Text;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Hosting.Install;

/// <summary>
/// The steps of `install` and `uninstall`, for systemd (Linux) or the Windows service manager.
/// Built first and then either printed (--dry-run) or done one after another.
/// </summary>
public static class ServicePlan
{
    /// <summary>The systemd unit's name (and its file, with ".service").</summary>
    public const string SystemdUnit = "norsjo-retail-agent";

    /// <summary>The Windows service's name; the agent registers under it when it runs as one (AgentApplication).</summary>
    public const string WindowsService = "Norsjo.Retail.Agent";

    public const string CertificateFile = "hub-certificate.pem";

    /// <summary>Where units installed by the machine's administrator go; systemctl is called only for a unit written there.</summary>
    public const string SystemdFolder = "/etc/systemd/system";

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Program = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <param name="enroll">Exchanges the one-time code for the store's credential in the given data folder; 0 when it worked.</param>
    public static IReadOnlyList<InstallStep> Install(InstallSettings settings, Func<string, IReadOnlyList<string>, TextWriter, Task<int>> enroll)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var windows = settings.Host == ServiceHost.Windows;
        var steps = new List<InstallStep>();
        if (!windows)
        {
            steps.Add(UserExists(settings.User)
                ? new Note($"The user {settings.User} is there already: the service runs as it.")
                : new RunCommand("useradd", ["--system", "--user-group", "--home-dir", settings.DataDirectory, "--no-create-home", "--shell", "/usr/sbin/nologin", settings.User]));
        }

        // The program, and the native libraries beside it (SQLite's libe_sqlite3.so / e_sqlite3.dll).
        steps.Add(new MakeFolder(settings.ProgramFolder, Program));
        var installed = Join(settings, settings.ProgramFolder, windows ? "Norsjo.Retail.Agent.exe" : "Norsjo.Retail.Agent");
        steps.Add(new CopyFile(settings.Program, installed, Program));
        var beside = Path.GetDirectoryName(Path.GetFullPath(settings.Program))!;
        var libraries = Directory.Exists(beside) ? Directory.EnumerateFiles(beside, windows ? "*.dll" : "*.so").Order(StringComparer.Ordinal).ToList() : [];
        foreach (var library in libraries)
        {
            steps.Add(new CopyFile(library, Join(settings, settings.ProgramFolder, Path.GetFileName(library)), Readable));
        }

        steps.Add(new MakeFolder(settings.DataDirectory, Private));
        var serviceSettings = settings.AgentSettings.ToList();
        if (settings.Agent("HubCertificate") is { Length: > 0 } certificate)
        {
            // The service's own copy: it must not depend on the installer's download folder.
            var copy = Join(settings, settings.DataDirectory, CertificateFile);
            steps.Add(new CopyFile(certificate, copy, Readable));
            serviceSettings = [.. serviceSettings.Where(a => !a.StartsWith("--Agent:HubCertificate=", StringComparison.OrdinalIgnoreCase)), "--Agent:HubCertificate=" + copy];
        }

        var enrolled = File.Exists(Path.Combine(settings.DataDirectory, Enrollment.FileName));
        if (enrolled)
        {
            steps.Add(new Note($"Already enrolled ({Path.Combine(settings.DataDirectory, Enrollment.FileName)} is there): the credential is kept."));
        }
        else if (settings.Code is { } code)
        {
            steps.Add(new AgentStep(
                $"enroll with the hub at {settings.Agent("HubUrl") ?? "(Agent:HubUrl)"}: exchange the one-time code for the store's credential, kept in {Join(settings, settings.DataDirectory, Enrollment.FileName)} (mode 0600)",
                async output =>
                {
                    if (await enroll(settings.DataDirectory, serviceSettings, output).ConfigureAwait(false) != 0)
                    {
                        throw new InstallException("Enrollment failed (see above); nothing is registered as a service yet. Run install again with a new code.");
                    }
                }));
        }
        else
        {
            throw new InstallException("Give the one-time code from the municipality: install --code XXXX-XXXX-XXXX --Agent:HubUrl=https://…");
        }

        foreach (var folder in new[] { settings.Agent("ExportFolder"), settings.Agent("SieFolder") }.OfType<string>().Where(f => f.Length > 0))
        {
            steps.Add(new Note($"The till writes into {folder}: the service's user ({settings.User}) must be able to read, rename and move files there "
                + (windows ? "(grant it Modify on the folder)." : $"(e.g. chgrp {settings.User} {folder} && chmod 2770 {folder}, and the till's user in group {settings.User}).")));
        }

        var command = new[] { installed, "run", "--Agent:DataDirectory=" + settings.DataDirectory }.Concat(serviceSettings).ToList();
        if (windows)
        {
            steps.Add(new RunCommand("icacls", [settings.DataDirectory, "/inheritance:r", "/grant:r", "*S-1-5-18:(OI)(CI)F", "*S-1-5-32-544:(OI)(CI)F", $"{Account(settings.User)}:(OI)(CI)M"], ForWindows: true));
            steps.Add(new RunCommand("sc.exe", ["create", WindowsService, "binPath=", string.Join(' ', command.Select(WindowsQuote)), "start=", "delayed-auto", "obj=", settings.User, "DisplayName=", "Norsjö Retail agent"], ForWindows: true));
            steps.Add(new RunCommand("sc.exe", ["description", WindowsService, "Anonymised sales from the till to the municipality's hub (agent/README.md)"], ForWindows: true));
            steps.Add(new RunCommand("sc.exe", ["failure", WindowsService, "reset=", "86400", "actions=", "restart/10000/restart/10000/restart/60000"], ForWindows: true));
            if (settings.Start)
            {
                steps.Add(new RunCommand("sc.exe", ["start", WindowsService], ForWindows: true));
            }

            return steps;
        }

        steps.Add(new RunCommand("chown", ["-R", $"{settings.User}:{settings.User}", settings.DataDirectory]));
        var unitFile = Path.Combine(settings.ServiceFolder, SystemdUnit + ".service");
        steps.Add(new WriteFile(unitFile, Unit(settings, command), Readable));
        if (SystemdRuns() && settings.ServiceFolder == SystemdFolder)
        {
            steps.Add(new RunCommand("systemctl", ["daemon-reload"]));
            steps.Add(new RunCommand("systemctl", settings.Start ? ["enable", "--now", SystemdUnit] : ["enable", SystemdUnit]));
            steps.Add(new Note($"Done. See it run: systemctl status {SystemdUnit}; journalctl -u {SystemdUnit}; {installed} status --Agent:DataDirectory={settings.DataDirectory}"));
        }
        else
        {
            steps.Add(new Note($"systemd is not running on this machine (or the unit is not in {SystemdFolder}): {unitFile} is written but not started. Start the agent by hand: sudo -u {settings.User} {string.Join(' ', command.Select(RunCommand.Quote))}"));
        }

        return steps;
    }

    public static IReadOnlyList<InstallStep> Uninstall(InstallSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var steps = new List<InstallStep>();
        if (settings.Purge && OutboxInspection.Inspect(settings.DataDirectory, int.MaxValue).Status is { Items: > 0 } waiting)
        {
            throw new InstallException($"The outbox in {settings.DataDirectory} still holds {waiting.Items} items the hub has not acknowledged: "
                + "--purge would lose those sales. Let the agent send them first (Norsjo.Retail.Agent status), or uninstall without --purge.");
        }

        if (settings.Host == ServiceHost.Windows)
        {
            steps.Add(new RunCommand("sc.exe", ["stop", WindowsService], MayFail: true, ForWindows: true));
            steps.Add(new RunCommand("sc.exe", ["delete", WindowsService], ForWindows: true));
        }
        else
        {
            var unitFile = Path.Combine(settings.ServiceFolder, SystemdUnit + ".service");
            var systemd = SystemdRuns() && settings.ServiceFolder == SystemdFolder;
            if (systemd)
            {
                steps.Add(new RunCommand("systemctl", ["disable", "--now", SystemdUnit], MayFail: true));
            }

            steps.Add(new Remove(unitFile));
            if (systemd)
            {
                steps.Add(new RunCommand("systemctl", ["daemon-reload"]));
            }
        }

        steps.Add(new Remove(settings.ProgramFolder));
        if (settings.Purge)
        {
            steps.Add(new Remove(settings.DataDirectory));
            if (settings.Host == ServiceHost.Systemd && settings.User != "root")
            {
                steps.Add(new RunCommand("userdel", [settings.User], MayFail: true));
            }
        }
        else
        {
            steps.Add(new Note($"The data folder {settings.DataDirectory} is kept (the outbox, the store's credential and its anonymisation secret): installing again goes on from it. Remove it too with --purge."));
        }

        return steps;
    }

    /// <summary>The unit file from its one template (agent/deploy/norsjo-retail-agent.service).</summary>
    public static string Unit(InstallSettings settings, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(command);
        using var stream = typeof(ServicePlan).Assembly.GetManifestResourceStream(SystemdUnit + ".service")
            ?? throw new InvalidOperationException("the unit template is not in the agent");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var writable = new[] { settings.DataDirectory, settings.Agent("ExportFolder"), settings.Agent("SieFolder") }.OfType<string>().Where(f => f.Length > 0);
        return reader.ReadToEnd()
            .Replace("@User@", settings.User, StringComparison.Ordinal)
            .Replace("@DataDirectory@", SystemdQuote(settings.DataDirectory), StringComparison.Ordinal)
            .Replace("@ExecStart@", string.Join(' ', command.Select(SystemdQuote)), StringComparison.Ordinal)
            .Replace("@ReadWritePaths@", string.Join(' ', writable.Select(f => "-" + SystemdQuote(f))), StringComparison.Ordinal);
    }

    /// <summary>One argument of a unit file's command line: quoted if it has spaces; % and $ doubled (systemd expands them).</summary>
    internal static string SystemdQuote(string text)
    {
        var escaped = text.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        return escaped.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';')
            ? "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : escaped;
    }

    private static string WindowsQuote(string text) => text.Any(char.IsWhiteSpace) ? "\"" + text + "\"" : text;

    private static string Account(string user) => user.Equals(@"NT AUTHORITY\LocalService", StringComparison.OrdinalIgnoreCase) ? "*S-1-5-19" : user;

    private static string Join(InstallSettings settings, string folder, string name) =>
        settings.Host == ServiceHost.Windows ? folder.TrimEnd('\\') + "\\" + name : Path.Combine(folder, name);

    private static bool SystemdRuns() => Directory.Exists("/run/systemd/system");

    private static bool UserExists(string user) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(user + ":", StringComparison.Ordinal));
}
