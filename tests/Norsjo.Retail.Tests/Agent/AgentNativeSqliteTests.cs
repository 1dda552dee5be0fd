namespace Norsjo.Retail.Tests.Agent;

/// <summary>
/// The native agent is one file on linux-x64 and on win-x64 (issue 21): SQLite is linked into it (DirectPInvoke for
/// SQLitePCLRaw's "e_sqlite3" and a static library), so no e_sqlite3 library ships beside it. The win-x64 publish on
/// Linux compiles that library itself (agent/Norsjo.Retail.Agent/WindowsCrossLink/StaticSqlite.targets); that it runs is
/// shown by `./norsjo native-agent-win --under-wine` (agent/README.md, "win-x64 from Linux").
/// </summary>
public sealed class AgentNativeSqliteTests
{
    [Theory]
    [InlineData("linux-x64", "libsqlite3.a")]
    [InlineData("win-x64", "e_sqlite3.lib")]
    public async Task The_native_agent_links_SQLite_into_its_one_file(string runtime, string library)
    {
        // Debian's static library is what the linux-x64 file links; without it (./norsjo installs it) the pair ships.
        if (runtime == "linux-x64" && !File.Exists("/usr/lib/x86_64-linux-gnu/libsqlite3.a"))
        {
            Assert.Fail("libsqlite3-dev is not installed (./norsjo installs it)");
        }

        string[] properties = [$"-p:RuntimeIdentifier={runtime}", "-p:NativeAot=true"];
        var direct = await AgentProjectEvaluation.ItemsAsync("DirectPInvoke", properties);
        var libraries = await AgentProjectEvaluation.ItemsAsync("NativeLibrary", properties);
        Assert.Contains(direct, item => item.Identity == "e_sqlite3");
        Assert.Contains(libraries, item => Path.GetFileName(item.Identity) == library);
    }
}
