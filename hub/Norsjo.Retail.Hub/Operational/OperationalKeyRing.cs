using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Norsjo.Retail.Hub.Operational;

/// <summary>
/// The ASP.NET data-protection key ring (what encrypts session cookies) in the operational store:
/// every hub of a deployment reads the same keys; a hub of another deployment, with another store,
/// never does — unlike the default, a folder in the user's home that every hub of that user shares.
/// </summary>
public sealed class OperationalKeyRing(OperationalStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = store.Open();
        return [.. connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY id").Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = store.Open();
        connection.Execute("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@FriendlyName, @Xml)",
            new { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
