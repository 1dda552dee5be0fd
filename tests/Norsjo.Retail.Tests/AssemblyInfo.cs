// One collection at a time: the machines have two cores, and timing figures (first render, fault
// tests' deadlines) should not measure another collection's load. ./norsjo test runs the assembly as
// three processes instead: two at once, and the timing tests (Support/RunAlone.cs) after them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer("Norsjo.Retail.Tests.Support.DashboardsFirst", "Norsjo.Retail.Tests")]
