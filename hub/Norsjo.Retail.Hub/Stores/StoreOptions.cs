namespace Norsjo.Retail.Hub.Stores;

/// <summary>A store allowed to send data, as configured under "Stores".</summary>
public sealed class StoreOptions
{
    public string Id { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Village { get; set; } = string.Empty;

    /// <summary>SHA-256 (hex) of the store's agent credential. The credential itself is never kept.</summary>
    public string CredentialSha256 { get; set; } = string.Empty;
}
