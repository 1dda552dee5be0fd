using Norsjo.Retail.Hub.Security;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A hub whose address, certificate and database are fixed, and which an agent has enrolled with,
/// but which is not running: for tests of an agent working while its hub is away.
/// </summary>
public sealed class HubAway : IDisposable
{
    private readonly TempFolder _tls = new("tls");
    private readonly Uri _clickHouse;
    private readonly string _storeId;

    private HubAway(Uri clickHouse, string storeId)
    {
        _clickHouse = clickHouse;
        _storeId = storeId;
    }

    public Uri Url { get; } = new($"https://127.0.0.1:{FreePort.Next()}");

    public string Database { get; } = ClickHouseServerFixture.NewDatabaseName();

    public string Certificate => Path.Combine(_tls.Path, DevelopmentCertificate.PemName);

    public string Credential { get; private set; } = string.Empty;

    /// <summary>Starts the hub once to enroll the store, then stops it.</summary>
    public static async Task<HubAway> EnrolledAsync(Uri clickHouse, string storeId)
    {
        var away = new HubAway(clickHouse, storeId);
        await using var hub = await away.ReturnAsync();
        away.Credential = await hub.EnrollAsync(storeId);
        return away;
    }

    /// <summary>The same hub back: same address, certificate and database.</summary>
    public Task<RunningHub> ReturnAsync() =>
        RunningHub.StartAsync(_clickHouse, new HubSettings(Url, Database, _tls.Path), _storeId);

    public void Dispose() => _tls.Dispose();
}
