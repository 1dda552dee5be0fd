using System.Diagnostics;
using System.Text.Json;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>
/// The agent's project asks for the same packages whichever runtime it is built for. NuGet keeps one
/// restore (obj/project.assets.json) per project: a package that only some runtimes ask for drops out when
/// `dotnet publish -r linux-x64` restores, and the next `dotnet build --no-restore` then fails
/// (AddWindowsService unknown) until `dotnet restore` runs again. What a Linux build leaves out is
/// decided by the compiler (LINUX_ONLY) and the trimmer, not by the restore.
/// </summary>
public sealed class AgentProjectRestoreTests
{
    [Fact]
    public async Task The_agent_project_references_the_same_packages_for_no_runtime_linux_x64_and_win_x64_JIT_or_native()
    {
        var portable = await PackagesAsync();
        Assert.Contains("Microsoft.Extensions.Hosting.WindowsServices", portable);
        Assert.Equal(portable, await PackagesAsync("-p:RuntimeIdentifier=linux-x64"));
        Assert.Equal(portable, await PackagesAsync("-p:RuntimeIdentifier=linux-x64", "-p:NativeAot=true"));
        Assert.Equal(portable, await PackagesAsync("-p:RuntimeIdentifier=win-x64", "-p:NativeAot=true"));
    }

    /// <summary>The PackageReference items the agent's project file itself declares, as MSBuild evaluates them.</summary>
    private static async Task<string[]> PackagesAsync(params string[] properties)
    {
        var project = Path.Combine(RepositoryRoot(), "agent", "Norsjo.Retail.Agent", "Norsjo.Retail.Agent.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "msbuild", project, "-getItem:PackageReference", "-nologo" }.Concat(properties))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet msbuild");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild {string.Join(' ', properties)}: exit code {process.ExitCode}\n{await errors}");
        using var json = JsonDocument.Parse(await output);
        return [.. json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Where(item => item.GetProperty("DefiningProjectFullPath").GetString() == project)
            .Select(item => item.GetProperty("Identity").GetString()!)
            .Order(StringComparer.Ordinal)];
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Norsjo.Retail.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("the repository is not above the tests");
    }
}
