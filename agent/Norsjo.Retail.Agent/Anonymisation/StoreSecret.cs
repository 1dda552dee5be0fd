using System.Security.Cryptography;

namespace Norsjo.Retail.Agent.Anonymisation;

/// <summary>
/// The key behind every keyed hash the agent sends. It is made once, on the store's own machine, and
/// never leaves it: without it the hub cannot turn a hash back into a receipt number or a household.
/// Losing it only means new hashes from then on; keep it with the till's backups.
/// </summary>
public static class StoreSecret
{
    public const string FileName = "store-secret.key";
    private const int KeyBytes = 32;

    public static byte[] LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length != KeyBytes)
            {
                throw new InvalidOperationException($"{path} is damaged ({existing.Length} bytes, expected {KeyBytes}). Restore it from a backup.");
            }

            return existing;
        }

        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        Norsjo.Retail.Agent.Hosting.PrivateFile.Write(path, key);
        return key;
    }
}
