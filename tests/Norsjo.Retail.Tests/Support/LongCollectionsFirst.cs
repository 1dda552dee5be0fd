using Norsjo.Retail.Tests.Dashboards;
using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// Starts the long shared collections first (the demo hub's pages, then the two ClickHouse groups),
/// so the many short classes fill the other slot instead of one long collection running alone at the end.
/// </summary>
public sealed class LongCollectionsFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest = [DashboardsGroup.Name, AgentsClickHouseGroup.Name, ClickHouseGroup.Name];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(c => Array.IndexOf(Longest, c.DisplayName) is var at && at >= 0 ? at : Longest.Length)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
