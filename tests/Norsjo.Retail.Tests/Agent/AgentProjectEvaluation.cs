using System.Diagnostics;
using System.Text.Json;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>The agent's project file as MSBuild evaluates it (`dotnet msbuild -getItem:`), for given properties.</summary>
internal static class AgentProjectEvaluation
{
    public static string ProjectFile { get; } =
        Path.Combine(RepositoryRoot(), "agent", "Norsjo.Retail.Agent", "Norsjo.Retail.Agent.csproj");

    /// <summary>Each item of the given type: its identity and the full path of the file that declares it.</summary>
    public static async Task<(string Identity, string DefinedIn)[]> ItemsAsync(string itemType, params string[] properties)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "msbuild", ProjectFile, $"-getItem:{itemType}", "-nologo" }.Concat(properties))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet msbuild");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild {string.Join(' ', properties)}: exit code {process.ExitCode}\n{await errors}");
        using var json = JsonDocument.Parse(await output);
        return [.. json.RootElement.GetProperty("Items").TryGetProperty(itemType, out var items)
            ? items.EnumerateArray().Select(item => (item.GetProperty("Identity").GetString()!, item.GetProperty("DefiningProjectFullPath").GetString()!))
            : []];
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
