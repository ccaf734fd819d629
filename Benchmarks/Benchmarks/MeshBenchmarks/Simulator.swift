import Benchmark
import MeshConfig
import MeshSim

/// The simulator at `--speed max`: one iteration is ten mesh seconds of 100,000 requests/s over
/// 10 endpoints (p2c-ewma), a million requests, long enough for the 10 ms resolution of CPU
/// time. At least 5 M requests per CPU second is at most 200 ms of CPU an iteration (ns).
func simulatorBenchmarks() {
    let rows = (1...10).map { "      - {id: e\($0), latency: {p50: 5ms, p99: 20ms}, error_rate: 0.001}" }
    guard let scenario = try? Scenario.parse(yaml: """
        name: bench
        seed: 1
        services:
          - name: bench
            balancer: p2c-ewma
            endpoints:
        \(rows.joined(separator: "\n"))
        traffic:
          - {service: bench, rps: 100000}
        """, file: "bench") else { fatalError("the benchmark scenario does not parse") }
    let sim = Simulator(scenario: scenario)
    sim.start()
    Benchmark("simulate_10_s_at_100000_rps", configuration: .init(
        metrics: [.cpuTotal, .wallClock, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(10),
        maxIterations: 15, thresholds: [.cpuTotal: ceiling(200_000_000)]
    )) { _ in
        blackHole(sim.advance(to: sim.now + 10))
    }
}
