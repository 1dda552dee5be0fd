using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Norsjo.Retail.Hub.Stores;

/// <summary>The stores that may upload, found by the hash of the credential their agent presents.</summary>
public sealed class StoreRegistry
{
    private readonly Dictionary<string, StoreOptions> _byCredentialHash;

    public StoreRegistry(IOptions<List<StoreOptions>> stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        _byCredentialHash = new Dictionary<string, StoreOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var store in stores.Value)
        {
            if (string.IsNullOrWhiteSpace(store.Id) || store.CredentialSha256.Length != 64)
            {
                throw new InvalidOperationException(
                    $"Store '{store.Id}' needs an Id and a CredentialSha256 of 64 hex digits.");
            }

            if (!_byCredentialHash.TryAdd(store.CredentialSha256, store))
            {
                throw new InvalidOperationException($"Store '{store.Id}' shares its credential with another store.");
            }
        }
    }

    public static string HashCredential(string credential) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    public StoreOptions? FindByCredential(string credential) =>
        _byCredentialHash.GetValueOrDefault(HashCredential(credential));
}
