// One collection at a time: the machines have two cores, and timing figures (first render, fault
// tests' deadlines) should not measure another collection's load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
