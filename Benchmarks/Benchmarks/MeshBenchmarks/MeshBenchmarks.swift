import Benchmark

/// mesh-top's micro benchmarks. Names use no spaces: `thresholds update` writes a name's spaces
/// as underscores, while `thresholds check` looks for the name as it is.
/// Each floor of issue 19 is a static p90 threshold checked by
/// `swift package benchmark thresholds check` (see Benchmarks/README.md): a regression is a
/// failed run, not a line someone has to read.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(warmupIterations: 3, maxDuration: .seconds(3), maxIterations: 10_000)
    balancerBenchmarks()
    renderBenchmarks()
    simulatorBenchmarks()
    replayBenchmarks()
    memoryBenchmarks()
}

/// A ceiling as the threshold check expresses one: the stored p90 (see `Thresholds/`) is half
/// the ceiling and this allows half the ceiling either way, so anything from 0 to the ceiling
/// passes and anything above fails. `ceiling` is in the metric's raw unit (ns for time, a
/// count, bytes).
func ceiling(_ ceiling: Int) -> BenchmarkThresholds {
    .init(absolute: [.p90: ceiling / 2])
}
