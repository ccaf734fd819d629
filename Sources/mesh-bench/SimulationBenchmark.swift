import ArgumentParser
import MeshConfig
import MeshCore
import MeshSession
import MeshSim

/// `mesh-bench sim`: simulated requests per second at `--speed max`, on one core.
struct SimulationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulated requests per second at --speed max (target: at least 1 million/s on one core)."
    )

    @Option(help: "Runs to take the median of.") var runs = 5
    @Option(help: "Endpoints in the simulated service.") var endpoints = 10
    @Option(help: "Mesh seconds simulated per run.") var seconds = 20.0
    @Option(help: "Offered requests per second (mesh time).") var rps = 100_000.0
    @Option(help: "Balancer.") var balancer = BalancerKind.p2cEWMA

    func run() throws {
        let rows = (1...endpoints).map { "      - {id: e\($0), latency: {p50: 5ms, p99: 20ms}, error_rate: 0.001}" }
        let scenario = try Scenario.parse(yaml: """
            name: bench
            seed: 1
            services:
              - name: bench
                balancer: \(balancer.rawValue)
                endpoints:
            \(rows.joined(separator: "\n"))
            traffic:
              - {service: bench, rps: \(rps)}
            """, file: "bench")
        var rates: [Double] = [], cpuRates: [Double] = []
        for _ in 0..<runs {
            let sim = Simulator(scenario: scenario)
            sim.start()
            let cpu0 = Measure.cpuTime()
            let wall = Measure.time { sim.advance(to: seconds) }
            let cpu = Measure.cpuTime() - cpu0
            rates.append(Double(sim.requestsSimulated) / wall)
            cpuRates.append(Double(sim.requestsSimulated) / cpu)
        }
        print("simulated requests/s (\(endpoints) endpoints, \(balancer.rawValue), \(runs) runs of \(Int(seconds * rps)) requests)")
        print("  median per wall second: \(Measure.format(Measure.median(rates) / 1e6, 2)) M/s")
        print("  median per CPU second:  \(Measure.format(Measure.median(cpuRates) / 1e6, 2)) M/s   (target ≥ 1.00 M/s)")
        print("  runs: " + rates.map { Measure.format($0 / 1e6, 2) }.joined(separator: ", "))
    }
}
