public import ArgumentParser
public import MeshCore

@main
struct MeshBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-bench",
        abstract: "Benchmarks for mesh-top: medians of several runs, ratios against references.",
        subcommands: [SimulationBenchmark.self, ReplayBenchmark.self, BalancersBenchmark.self,
                      ProxyBenchmark.self, ProxyServe.self, SoakBenchmark.self, HealthBenchmark.self,
                      RenderBenchmark.self, IdleDashboardBenchmark.self, MemoryBenchmark.self,
                      ScaleBenchmark.self]
    )
}

/// `--balancer` and `--algorithm` take the names mesh.yaml uses; ArgumentParser lists them in
/// help, completions and the error for any other.
extension BalancerKind: ExpressibleByArgument {}
