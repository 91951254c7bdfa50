// The tests run one at a time: several start Redis servers and time how fast things fail or
// arrive, which a 2-core machine running other tests' servers beside them would blur.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
