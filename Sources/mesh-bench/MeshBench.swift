import ArgumentParser

@main
struct MeshBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-bench",
        abstract: "System benchmarks for mesh-top: medians of several runs, ratios against references (micro benchmarks: Benchmarks/).",
        subcommands: [ReplayBenchmark.self, SeekBenchmark.self, ProxyBenchmark.self, ProxyServe.self, SoakBenchmark.self,
                      HealthBenchmark.self, IdleDashboardBenchmark.self, ScaleBenchmark.self,
                      FrameBenchmark.self]
    )
}
