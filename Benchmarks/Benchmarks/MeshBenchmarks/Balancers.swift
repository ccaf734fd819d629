import Benchmark
import MeshCore

/// Picks at 10,000 endpoints. One iteration is a thousand picks (`scalingFactor: .kilo`), so the
/// wall-clock ceiling is in ns per thousand picks: 50,000 is 50 ns a pick. No pick may allocate.
/// Least-request and p2c-ewma have a ceiling of 20 ns; the others 50 ns.
func balancerBenchmarks() {
    let endpoints = 10_000
    var cases = BalancerKind.allCases.map { ($0, true) }
    // Equal weights take other paths: rotation, and least-request's P2C instead of the schedule.
    cases += [(.roundRobin, false), (.leastRequest, false), (.p2cEWMA, false)]
    for (kind, weighted) in cases {
        let ceilingNs = kind == .leastRequest || kind == .p2cEWMA ? 20 : 50
        var balancer = loadedBalancer(kind, endpoints: endpoints, weighted: weighted)
        var hash: UInt64 = 0
        Benchmark(
            "pick_\(kind.rawValue)_10000_\(weighted ? "weights_50-150" : "equal_weights")",
            configuration: .init(
                metrics: [.wallClock, .mallocCountTotal],
                scalingFactor: .kilo,
                thresholds: [.wallClock: ceiling(ceilingNs * 1_000), .mallocCountTotal: ceiling(0)]
            )
        ) { benchmark in
            var sum: Int64 = 0
            for _ in benchmark.scaledIterations {
                hash &+= 0x9E37_79B9_7F4A_7C15  // a different key each pick, for the hashing kinds
                sum &+= Int64(balancer.pick(hash: hash) ?? -1)
            }
            blackHole(sum)
        }
    }
}

/// A balancer over `endpoints` hosts (weights 50...150, or all 100) with some requests in flight
/// and a latency history, so the power-of-two balancers compare real numbers.
func loadedBalancer(_ kind: BalancerKind, endpoints: Int, weighted: Bool) -> Balancer {
    var random = SeededRandom(seed: 1)
    let hosts = HostSet(hosts: (0..<endpoints).map { index in
        HostSet.Host(slot: Int32(index), weight: weighted ? UInt32(50 + random.below(101)) : 100,
                     key: StableHash.hash("bench/endpoint-\(index)"))
    })
    var balancer = Balancer(kind: kind, seed: 1)
    balancer.update(hosts)
    for slot in 0..<Int32(endpoints) {
        for _ in 0..<random.below(4) { balancer.requestStarted(slot: slot) }
        balancer.requestStarted(slot: slot)
        balancer.requestFinished(slot: slot, latency: 0.005 + 0.05 * random.unit(), now: 10 * random.unit())
    }
    return balancer
}
