// Two collections at a time (the machines have two cores), started longest first (LongCollectionsFirst):
// one at a time took 16 minutes, most of it waiting on processes, servers and agents rather than the CPU.
// xunit's default "conservative" algorithm never runs more tests at once than MaxParallelThreads.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
[assembly: TestCollectionOrderer("Norsjo.Retail.Tests.Support.LongCollectionsFirst", "Norsjo.Retail.Tests")]
