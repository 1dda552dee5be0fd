using System.Diagnostics;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

public sealed class LocalClickHouseServerTests
{
    [Fact]
    public async Task The_local_server_keeps_its_data_in_its_folder_answers_on_loopback_and_stops_when_disposed()
    {
        using var folder = new TempFolder("local-ch");
        var server = await LocalClickHouseServer.StartAsync(folder.Path);
        int pid;
        try
        {
            Assert.Equal("127.0.0.1", server.HttpUrl.Host);
            pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(folder.Path, "server.pid")), System.Globalization.CultureInfo.InvariantCulture);
            using var database = new ClickHouseDatabase(server.HttpUrl, "default");
            await database.ExecuteAsync("CREATE DATABASE kept_here");
            Assert.True(Directory.Exists(Path.Combine(folder.Path, "data", "data", "kept_here")) || Directory.Exists(Path.Combine(folder.Path, "data", "metadata", "kept_here")));
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        Assert.False(File.Exists(Path.Combine(folder.Path, "server.pid")));
    }
}
