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
    private static async Task<string[]> PackagesAsync(params string[] properties) =>
        [.. (await AgentProjectEvaluation.ItemsAsync("PackageReference", properties))
            .Where(item => item.DefinedIn == AgentProjectEvaluation.ProjectFile)
            .Select(item => item.Identity)
            .Order(StringComparer.Ordinal)];
}
