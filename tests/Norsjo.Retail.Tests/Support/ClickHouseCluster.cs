using System.Diagnostics;
using System.Globalization;
using System.Text;
using Norsjo.Retail.Hub.Storage;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A small ClickHouse cluster on loopback: one shard of several replicas (clickhouse-server
/// processes started by the hub's own <see cref="LocalClickHouseServer"/>, each on ports of its
/// own) and a private ZooKeeper. Each replica's cluster settings are a config.d file beside the
/// configuration the hub writes: ZooKeeper, the {shard}/{replica} macros, the cluster's
/// remote_servers entry, the interserver port replicas fetch parts through, and the ON CLUSTER queue.
/// </summary>
public sealed class ClickHouseCluster : IAsyncDisposable
{
    public const string Name = "norsjo_test";

    private readonly ZooKeeperServer _zooKeeper;
    private readonly TempFolder _folder;

    private ClickHouseCluster(ZooKeeperServer zooKeeper, TempFolder folder, IReadOnlyList<Replica> replicas)
    {
        _zooKeeper = zooKeeper;
        _folder = folder;
        Replicas = replicas;
    }

    public IReadOnlyList<Replica> Replicas { get; }

    /// <summary>Every replica's address, comma-separated, as ClickHouse:Url takes them.</summary>
    public string Urls => string.Join(",", Replicas.Select(r => r.Url));

    public static async Task<ClickHouseCluster> StartAsync(int replicas)
    {
        var zooKeeper = await ZooKeeperServer.StartAsync();
        var folder = new TempFolder("cluster");

        // One hub password for every replica (written where each server looks for it before it
        // would make its own), so the replicas can sign in to each other for Distributed queries.
        var login = new ClickHouseLogin(LocalClickHouseUsers.HubUser, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        var members = Enumerable.Range(1, replicas)
            .Select(n => new Replica($"replica{n}", folder.Sub($"replica{n}"), FreePort.Next(), FreePort.Next(), FreePort.Next(), login))
            .ToList();
        foreach (var member in members)
        {
            var configD = Path.Combine(member.DataDirectory, "config.d");
            Directory.CreateDirectory(configD);
            await File.WriteAllTextAsync(Path.Combine(configD, "cluster.xml"), ClusterConfiguration(member, members, zooKeeper.Port, login));
            await File.WriteAllTextAsync(Path.Combine(member.DataDirectory, LocalClickHouseUsers.HubPasswordFile), login.Password);
        }

        var cluster = new ClickHouseCluster(zooKeeper, folder, members);
        try
        {
            await Task.WhenAll(members.Select(m => m.StartAsync()));
            await cluster.WaitForDistributedDdlAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>
    /// Ready means an ON CLUSTER statement completes on every replica. Answering /ping and holding a
    /// ZooKeeper session is not enough on 18.16: a replica's DDL worker may not yet watch the task
    /// queue, and the first ON CLUSTER statement then waits out its whole timeout (seen on a busy
    /// two-core machine). An operator checks the same before pointing a hub at a new cluster.
    /// </summary>
    private async Task WaitForDistributedDdlAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var lastAnswer = string.Empty;
        async Task<bool> EveryReplicaRunsDdl()
        {
            var url = new Uri(Replicas[0].Address, "?distributed_ddl_task_timeout=8");
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent($"CREATE DATABASE IF NOT EXISTS cluster_ready ON CLUSTER {Name}") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Replicas[0].Login.Username}:{Replicas[0].Login.Password}")));
            try
            {
                using var response = await http.SendAsync(request);
                lastAnswer = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastAnswer = e.Message;
                return false;
            }
        }

        await Eventually.WaitUntilAsync(EveryReplicaRunsDdl, "an ON CLUSTER statement completes on every replica", () => Task.FromResult(lastAnswer), TimeSpan.FromMinutes(2));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            await replica.StopAsync();
        }

        await _zooKeeper.DisposeAsync();
        _folder.Dispose();
    }

    private static string ClusterConfiguration(Replica self, IEnumerable<Replica> all, int zooKeeperPort, ClickHouseLogin login)
    {
        var replicas = new StringBuilder();
        foreach (var replica in all)
        {
            replicas.Append(CultureInfo.InvariantCulture, $"<replica><host>127.0.0.1</host><port>{replica.TcpPort}</port><user>{login.Username}</user><password>{login.Password}</password></replica>");
        }

        // session_timeout_ms short: a killed replica's ZooKeeper session (and its "active" mark,
        // which a restarted replica waits out) ends within seconds; not shorter, or a replica starved
        // of CPU by a busy test run loses its session.
        return $"""
            <?xml version="1.0"?>
            <yandex>
              <interserver_http_host>127.0.0.1</interserver_http_host>
              <interserver_http_port>{self.InterserverPort}</interserver_http_port>
              <zookeeper>
                <node><host>127.0.0.1</host><port>{zooKeeperPort}</port></node>
                <session_timeout_ms>6000</session_timeout_ms>
              </zookeeper>
              <macros><shard>01</shard><replica>{self.Name}</replica></macros>
              <remote_servers>
                <{Name}><shard><internal_replication>true</internal_replication>{replicas}</shard></{Name}>
              </remote_servers>
              <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
            </yandex>
            """;
    }

    /// <summary>One clickhouse-server of the cluster; its ports and data stay the same across restarts.</summary>
    public sealed class Replica(string name, string dataDirectory, int httpPort, int tcpPort, int interserverPort, ClickHouseLogin login)
    {
        private LocalClickHouseServer? _server;

        public string Name { get; } = name;

        public string DataDirectory { get; } = dataDirectory;

        public int TcpPort { get; } = tcpPort;

        public int InterserverPort { get; } = interserverPort;

        /// <summary>The server's address without a login.</summary>
        public Uri Address { get; } = new($"http://127.0.0.1:{httpPort}/");

        public ClickHouseLogin Login { get; } = login;

        /// <summary>The address with the hub user's login in it, as ClickHouse:Url takes it.</summary>
        public Uri Url => Login.InUrl(Address);

        /// <summary>Starts the server and returns once it answers and has its ZooKeeper session.</summary>
        public async Task StartAsync()
        {
            _server = await LocalClickHouseServer.StartAsync(DataDirectory, httpPort: Url.Port, tcpPort: TcpPort);
            using var database = new ClickHouseDatabase(Url, "system", timeout: TimeSpan.FromSeconds(5));
            async Task<bool> SeesZooKeeper()
            {
                try
                {
                    await database.QueryAsync<object>("SELECT name FROM system.zookeeper WHERE path = '/' LIMIT 1");
                    return true;
                }
                catch (ClickHouse.Driver.ClickHouseServerException)
                {
                    return false;
                }
            }

            await Eventually.WaitUntilAsync(SeesZooKeeper, $"{Name} is connected to ZooKeeper", () => Task.FromResult(string.Empty));
        }

        /// <summary>SIGKILL: no shutdown, no flushing, as when the machine loses power or the process is OOM-killed.</summary>
        public async Task KillAsync()
        {
            var server = _server ?? throw new InvalidOperationException($"{Name} is not running.");
            using (var process = Process.GetProcessById(server.ProcessId))
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            await server.DisposeAsync();
            _server = null;
        }

        public async Task StopAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
                _server = null;
            }
        }
    }
}
