import ArgumentParser

@main
struct MeshBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-bench",
        abstract: "Benchmarks for mesh-top: medians of several runs, ratios against references.",
        subcommands: [SimulationBenchmark.self, ReplayBenchmark.self, BalancersBenchmark.self,
                      ProxyBenchmark.self, ProxyServe.self, SoakBenchmark.self, HealthBenchmark.self,
                      RenderBenchmark.self, IdleDashboardBenchmark.self, MemoryBenchmark.self]
    )
}
