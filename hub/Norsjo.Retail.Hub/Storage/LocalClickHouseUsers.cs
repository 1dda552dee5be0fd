using System.Security.Cryptography;
using System.Text;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>A ClickHouse user and password.</summary>
public sealed record ClickHouseLogin(string Username, string Password)
{
    /// <summary>The address with this login in its user part. Such an address is a secret: never log it.</summary>
    public Uri InUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new UriBuilder(url) { UserName = Uri.EscapeDataString(Username), Password = Uri.EscapeDataString(Password) }.Uri;
    }

    public override string ToString() => Username; // never the password
}

/// <summary>
/// Who may use the hub's own ClickHouse server. There is no passwordless <c>default</c> user: a
/// loopback port is reachable by every process on the machine. Two users, each with a password
/// generated at the first start and kept in a file only the hub's user can read (mode 0600, in a
/// folder of mode 0700), the server holding only their SHA-256 (<c>password_sha256_hex</c>, which
/// 18.16 knows):
/// <list type="bullet">
/// <item><see cref="HubUser"/>, the hub's own (schema, inserts, queries); <see cref="HubPasswordFile"/>.</item>
/// <item><see cref="GrafanaUser"/>, read-only (profile <c>readonly</c> with <c>readonly = 2</c>: no
/// INSERT, DDL or ALTER, but the per-query settings Grafana's ClickHouse plugin sends, such as
/// max_execution_time, are allowed; 18.16 has no settings constraints to allow just those), and
/// only in the published database (<c>allow_databases</c>, which 18.16 knows; <c>system</c> stays
/// readable, as ClickHouse always allows): never the sales tables or an older hub's password
/// hashes; <see cref="GrafanaPasswordFile"/>.</item>
/// </list>
/// </summary>
public static class LocalClickHouseUsers
{
    public const string HubUser = "norsjo_hub";
    public const string GrafanaUser = "grafana";
    public const string HubPasswordFile = "hub.password";
    public const string GrafanaPasswordFile = "grafana.password";

    /// <summary>Makes the passwords if they are missing and writes users.xml; returns the hub's login.</summary>
    /// <param name="grafanaDatabase">The one database Grafana's user may read (<see cref="PublishedDatabase.NameFor"/>).</param>
    public static ClickHouseLogin Prepare(string dataDirectory, string grafanaDatabase)
    {
        var hub = OwnerOnly.ReadOrCreateSecret(Path.Combine(dataDirectory, HubPasswordFile), NewPassword);
        var grafana = OwnerOnly.ReadOrCreateSecret(Path.Combine(dataDirectory, GrafanaPasswordFile), NewPassword);
        OwnerOnly.WriteFile(Path.Combine(dataDirectory, "users.xml"), UsersXml(Sha256Hex(hub), Sha256Hex(grafana), SqlLiteral.Identifier(grafanaDatabase)));
        return new ClickHouseLogin(HubUser, hub);
    }

    /// <summary>The hub's login, for a command working beside a running hub.</summary>
    public static ClickHouseLogin ReadHubLogin(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, HubPasswordFile);
        try
        {
            return new ClickHouseLogin(HubUser, File.ReadAllText(file).Trim());
        }
        catch (UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{file} cannot be read: run the command as the user the hub runs as.");
        }
    }

    /// <summary>256 random bits as hex: nothing in it needs escaping in XML, a URL or a shell.</summary>
    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string Sha256Hex(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    private static string UsersXml(string hubHash, string grafanaHash, string grafanaDatabase) => $"""
        <?xml version="1.0"?>
        <!-- Written by the Norsjö Retail hub at every start; edits are overwritten. Passwords: {HubPasswordFile}, {GrafanaPasswordFile}. -->
        <yandex>
          <profiles>
            <default><max_memory_usage>4000000000</max_memory_usage></default>
            <readonly><readonly>2</readonly><max_memory_usage>4000000000</max_memory_usage></readonly>
          </profiles>
          <users>
            <{HubUser}>
              <password_sha256_hex>{hubHash}</password_sha256_hex>
              <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
              <profile>default</profile>
              <quota>default</quota>
            </{HubUser}>
            <{GrafanaUser}>
              <password_sha256_hex>{grafanaHash}</password_sha256_hex>
              <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
              <profile>readonly</profile>
              <quota>default</quota>
              <allow_databases><database>{grafanaDatabase}</database></allow_databases>
            </{GrafanaUser}>
          </users>
          <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
        </yandex>
        """;
}
