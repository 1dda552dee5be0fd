namespace Norsjo.Retail.Hub.Dashboards;

/// <summary>Where the built pages are: Dashboards:Root if set, else dashboards/dist in the checkout the hub runs from.</summary>
public sealed record DashboardFiles(string? Root, string Looked)
{
    public static DashboardFiles Locate(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(configured, contentRoot);
            return new DashboardFiles(File.Exists(Path.Combine(path, "index.html")) ? path : null, path);
        }

        // The hub runs from hub/Norsjo.Retail.Hub (demo), its bin folder, or a test's bin folder: the checkout is a few levels up.
        var tried = new List<string>();
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null && tried.Count < 16; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "dashboards", "dist");
                tried.Add(candidate);
                if (File.Exists(Path.Combine(candidate, "index.html")))
                {
                    return new DashboardFiles(candidate, candidate);
                }
            }
        }

        return new DashboardFiles(null, string.Join(", ", tried.Distinct()));
    }
}
