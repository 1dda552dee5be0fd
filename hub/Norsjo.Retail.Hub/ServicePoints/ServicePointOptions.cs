namespace Norsjo.Retail.Hub.ServicePoints;

/// <summary>The kommunöversikt's settings (section ServicePoints).</summary>
public sealed class ServicePointOptions
{
    public const string Section = "ServicePoints";

    /// <summary>The seed file, relative to the content root: fills a new deployment once.</summary>
    public string SeedFile { get; set; } = "service-points.yaml";

    /// <summary>
    /// The municipality's tile server, e.g. "https://tiles.example.se/{z}/{x}/{y}.png" (https only).
    /// Unset: the public page draws no map and makes no request outside the hub.
    /// </summary>
    public string? TileUrl { get; set; }

    /// <summary>The tile server's required attribution, shown under the map.</summary>
    public string TileAttribution { get; set; } = string.Empty;

    /// <summary>Anonymous requests one address may make to /api/open, sustained and as a burst (a phone loads the page with one).</summary>
    public int OpenRequestsPerMinutePerAddress { get; set; } = 60;

    public int OpenBurstPerAddress { get; set; } = 120;

    public MapSettings? Map => TileOrigin is null ? null : new MapSettings(TileUrl!, TileAttribution);

    /// <summary>The tile server's origin (for the page's Content-Security-Policy), or null when no usable tile server is set.</summary>
    public string? TileOrigin =>
        Uri.TryCreate(TileUrl?.Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
