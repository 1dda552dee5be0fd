using Xunit.Abstractions;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// The demo's collection first, then the rest by name: in the process of tests that run alone, the demo
/// fixture's history is sent while the other two processes still run, and only then does anything wait.
/// </summary>
public sealed class DashboardsFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == Dashboards.DashboardsGroup.Name ? 0 : 1)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
