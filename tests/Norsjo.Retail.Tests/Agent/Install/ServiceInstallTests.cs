using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Agent.Hosting;
using Norsjo.Retail.Agent.Hosting.Install;
using Norsjo.Retail.Hub.Credentials;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Agent.Install;

/// <summary>
/// `install` and `uninstall` (issue 21): the agent registers itself as a systemd unit with its own
/// user, a private data folder and the enrollment, and goes away again leaving the data unless --purge.
/// Where systemd does not run (CI containers), the unit is checked with `systemd-analyze verify`.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ServiceInstallTests(ClickHouseServerFixture clickHouse)
{
    private const string StoreId = "butik-installerad";

    [Fact]
    public async Task A_dry_run_prints_every_step_for_systemd_and_for_Windows_and_changes_nothing()
    {
        using var folder = new TempFolder("install-dry");
        var program = Path.Combine(folder.Path, "dist", "Norsjo.Retail.Agent");
        var data = Path.Combine(folder.Path, "data");

        var (linuxExit, linux) = await RunAsync(["install", "--dry-run", "--code", "ABCD-EFGH-JKLM", "--program", program, "--for", "linux",
            "--Agent:DataDirectory=" + data, "--Agent:HubUrl=https://hub.norsjo.se:5081", "--Agent:ExportFolder=/srv/kassa/export"]);
        Assert.Equal(0, linuxExit);
        Assert.Contains("useradd --system --user-group", linux, StringComparison.Ordinal);
        Assert.Contains($"make folder {data} (mode 0700)", linux, StringComparison.Ordinal);
        Assert.Contains($"ExecStart=/opt/norsjo-retail-agent/Norsjo.Retail.Agent run --Agent:DataDirectory={data} --Agent:HubUrl=https://hub.norsjo.se:5081 --Agent:ExportFolder=/srv/kassa/export", linux, StringComparison.Ordinal);
        Assert.Contains("write /etc/systemd/system/norsjo-retail-agent.service (mode 0644)", linux, StringComparison.Ordinal);
        Assert.Contains("enroll with the hub at https://hub.norsjo.se:5081", linux, StringComparison.Ordinal);

        var (windowsExit, windows) = await RunAsync(["install", "--dry-run", "--code", "ABCD-EFGH-JKLM", "--program", program, "--for", "windows",
            "--Agent:HubUrl=https://hub.norsjo.se:5081"]);
        Assert.Equal(0, windowsExit);
        // As cmd.exe reads it (double quotes, \" inside them), so a helper can type what the dry run prints.
        Assert.Contains(@"sc.exe create Norsjo.Retail.Agent binPath= ""\""C:\Program Files\Norsjo Retail Agent\Norsjo.Retail.Agent.exe\"" run \""--Agent:DataDirectory=C:\ProgramData\Norsjo Retail Agent\"" --Agent:HubUrl=https://hub.norsjo.se:5081""", windows, StringComparison.Ordinal);
        Assert.Contains(@"DisplayName= ""Norsjö Retail agent""", windows, StringComparison.Ordinal);
        Assert.Contains(@"icacls ""C:\ProgramData\Norsjo Retail Agent"" /inheritance:r", windows, StringComparison.Ordinal);

        Assert.False(Directory.Exists(data), "a dry run makes nothing");
        Assert.False(File.Exists(Path.Combine(data, Enrollment.FileName)));
    }

    [Fact]
    public async Task Install_enrolls_writes_a_valid_systemd_unit_and_a_private_data_folder_and_uninstall_keeps_the_data_unless_purged()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, StoreId);
        using var folder = new TempFolder("install");
        var root = Environment.UserName == "root";
        // As root (CI) the installation makes a user of its own, as it would on a till; else it runs as the tester.
        var user = root ? "norsjo-agent-test" : Environment.UserName;
        var data = Path.Combine(folder.Path, "var", "data");
        var programFolder = Path.Combine(folder.Path, "opt");
        var units = Path.Combine(folder.Path, "systemd");
        var exports = folder.Sub("export");
        var installation = new[]
        {
            "--program", Path.Combine(AppContext.BaseDirectory, "Norsjo.Retail.Agent"), "--program-folder", programFolder,
            "--service-folder", units, "--user", user, "--no-start", "--Agent:DataDirectory=" + data,
        };
        var code = await hub.Services.GetRequiredService<StoreCredentials>().IssueEnrollmentCodeAsync(StoreId);

        var (exit, said) = await RunAsync(["install", "--code", code, .. installation, "--Agent:HubUrl=" + hub.GrpcUrl,
            "--Agent:HubCertificate=" + hub.CertificatePath, "--Agent:ExportFolder=" + exports]);

        Assert.True(exit == 0, said);
        Assert.Equal(StoreId, Enrollment.Load(data)?.StoreId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, Enrollment.FileName)));
        Assert.Equal(user, await OutputOfAsync("stat", "-c", "%U", Path.Combine(data, Enrollment.FileName)));
        Assert.True(File.Exists(Path.Combine(programFolder, "Norsjo.Retail.Agent")));
        var unitFile = Path.Combine(units, ServicePlan.SystemdUnit + ".service");
        var unit = await File.ReadAllLinesAsync(unitFile);
        Assert.Contains($"User={user}", unit);
        Assert.Contains($"WorkingDirectory={data}", unit);
        Assert.Contains($"ExecStart={Path.Combine(programFolder, "Norsjo.Retail.Agent")} run --Agent:DataDirectory={data} --Agent:HubUrl={hub.GrpcUrl} "
            + $"--Agent:ExportFolder={exports} --Agent:HubCertificate={Path.Combine(data, ServicePlan.CertificateFile)}", unit);
        Assert.Contains($"ReadWritePaths=-{data} -{exports}", unit);
        Assert.DoesNotContain(unit, l => l.Contains('@', StringComparison.Ordinal) && !l.StartsWith('#'));
        Assert.DoesNotContain(Enrollment.Load(data)!.Credential, string.Join('\n', unit), StringComparison.Ordinal);
        await VerifyUnitAsync(unitFile);

        var (keptExit, kept) = await RunAsync(["uninstall", .. installation]);
        Assert.True(keptExit == 0, kept);
        Assert.False(File.Exists(unitFile));
        Assert.False(Directory.Exists(programFolder));
        Assert.Equal(StoreId, Enrollment.Load(data)?.StoreId);
        Assert.Contains("is kept", kept, StringComparison.Ordinal);

        var (purgedExit, purged) = await RunAsync(["uninstall", "--purge", .. installation]);
        Assert.True(purgedExit == 0, purged);
        Assert.False(Directory.Exists(data));
        if (root)
        {
            Assert.Equal(string.Empty, await OutputOfAsync("sh", "-c", $"getent passwd {user} || true"));
        }
    }

    /// <summary>systemd's own check of the unit where the tool is there; else the unit is read section by section.</summary>
    private static async Task VerifyUnitAsync(string unitFile)
    {
        if (File.Exists("/usr/bin/systemd-analyze"))
        {
            var start = new ProcessStartInfo("systemd-analyze", ["verify", unitFile]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var said = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0 && !said.Contains(Path.GetFileName(unitFile), StringComparison.Ordinal), said);
            return;
        }

        var sections = File.ReadLines(unitFile).Where(l => l.StartsWith('[')).ToList();
        Assert.Equal(["[Unit]", "[Service]", "[Install]"], sections);
        Assert.All(File.ReadLines(unitFile).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('[')), l => Assert.Contains('=', l));
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        var exit = await AgentCommandLine.RunAsync(args, output);
        return (exit, output.ToString());
    }

    private static async Task<string> OutputOfAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true })!;
        var said = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return said.Trim();
    }
}
