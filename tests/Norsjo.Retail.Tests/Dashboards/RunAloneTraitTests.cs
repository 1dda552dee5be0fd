using System.Reflection;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Dashboards;

/// <summary>./norsjo test splits the suite by the Run=Alone trait: a demo page test without it would start a second demo, and time its pages under load.</summary>
public sealed class RunAloneTraitTests
{
    [Fact]
    public void Every_class_on_the_demo_fixture_runs_in_the_process_of_tests_that_run_alone()
    {
        var onDemo = typeof(DemoHubFixture).Assembly.GetTypes()
            .Where(t => Arguments<CollectionAttribute>(t).Any(a => a.SequenceEqual([DashboardsGroup.Name])))
            .ToList();

        Assert.NotEmpty(onDemo);
        Assert.All(onDemo, t => Assert.Contains(Arguments<TraitAttribute>(t), a => a.SequenceEqual([RunAlone.Trait, RunAlone.Value])));
    }

    private static IEnumerable<object?[]> Arguments<T>(Type type) =>
        type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(T)).Select(a => a.ConstructorArguments.Select(c => c.Value).ToArray());
}
