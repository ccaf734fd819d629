import ArgumentParser
import CAllocCounter
import MeshCore

/// `mesh-bench balancers`: the cost of one pick for every algorithm at a given endpoint count,
/// with allocations counted by the malloc shim and table sizes measured on the heap.
struct BalancersBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balancers",
        abstract: "ns and allocations per pick, table build time and memory for every balancer."
    )

    @Option(help: "Endpoints in the host set (one group).")
    var endpoints = 10_000

    @Option(help: "Picks in each timed run.")
    var picks = 1_000_000

    @Option(help: "Timed runs per algorithm; the median is shown.")
    var runs = 5

    @Option(name: .customLong("algorithm"), help: "Measure only this algorithm (repeatable); all when absent.")
    var algorithms: [BalancerKind] = []

    @Option(help: "Seed for weights, load and the balancers' random draws.")
    var seed: UInt64 = 1

    /// Upper bounds from the balancer issue, in ns per pick.
    static let targets: [BalancerKind: Double] = [
        .roundRobin: 10, .maglev: 10, .leastRequest: 50, .p2cEWMA: 50, .ringHash: 100,
    ]
    static let maglevBuildTarget = 20.0

    func validate() throws {
        guard endpoints > 0, picks > 0, runs > 0 else {
            throw ValidationError("--endpoints, --picks and --runs must be positive")
        }
    }

    func run() throws {
        var random = SeededRandom(seed: seed)
        // Weights 50...150 (so the weighted paths run), slots 0..<n, keys as the registry makes them.
        let hosts = HostSet(hosts: (0..<endpoints).map { index in
            HostSet.Host(slot: Int32(index), weight: UInt32(50 + random.below(101)),
                         key: StableHash.hash("bench/endpoint-\(index)"))
        })
        print("\(endpoints) endpoints, weights 50...150, median of \(runs) runs")
        print(pad("algorithm", 21) + lpad("picks/run", 10) + lpad("ns/pick", 10) + lpad("allocs", 8) + lpad("allocs/pick", 13)
              + lpad("update ms", 11) + lpad("bytes/endpt", 13) + "  target")
        var failures: [String] = []
        for kind in algorithms.isEmpty ? BalancerKind.allCases : algorithms {
            let result = measure(kind, hosts: hosts, random: &random)
            var verdict = ""
            if let target = Self.targets[kind] {
                verdict = "≤ \(Measure.format(target, 0)) ns " + (result.nanoseconds <= target ? "ok" : "MISSED")
                if result.nanoseconds > target { failures.append("\(kind.rawValue) pick") }
            }
            if kind == .maglev {
                let ok = result.updateMilliseconds <= Self.maglevBuildTarget
                verdict += ", build ≤ \(Measure.format(Self.maglevBuildTarget, 0)) ms " + (ok ? "ok" : "MISSED")
                if !ok { failures.append("maglev build") }
            }
            if result.allocations > 0 { failures.append("\(kind.rawValue) allocates") }
            print(pad(kind.rawValue, 21) + lpad("\(result.picks)", 10) + lpad(Measure.format(result.nanoseconds, 1), 10)
                  + lpad("\(result.allocations)", 8)
                  + lpad(Measure.format(Double(result.allocations) / Double(result.picks * runs), 4), 13) + lpad(Measure.format(result.updateMilliseconds, 2), 11)
                  + lpad(Measure.format(result.bytesPerEndpoint, 1), 13) + "  " + verdict)
        }
        print(failures.isEmpty ? "all targets met" : "missed: " + failures.joined(separator: ", "))
    }

    struct Result {
        var picks: Int
        var nanoseconds: Double
        /// Over all timed runs together.
        var allocations: UInt64
        var updateMilliseconds: Double
        var bytesPerEndpoint: Double
    }

    private func measure(_ kind: BalancerKind, hosts: HostSet, random: inout SeededRandom) -> Result {
        // Table build: a fresh balancer each time, so every update builds from nothing.
        var builds: [Double] = []
        var bytes = 0
        for _ in 0..<runs {
            let heapBefore = mesh_heap_bytes()
            let start = Measure.now()
            var balancer = Balancer(kind: kind, seed: seed)
            balancer.update(hosts)
            builds.append((Measure.now() - start) * 1e3)
            bytes = mesh_heap_bytes() - heapBefore
            withExtendedLifetime(balancer) {}
        }

        var balancer = Balancer(kind: kind, seed: seed)
        balancer.update(hosts)
        applyLoad(to: &balancer, random: &random)
        let count = picks
        var checksum: Int64 = 0
        _ = timedPicks(&balancer, count: count / 10, checksum: &checksum)  // warm caches and branch predictors
        var times: [Double] = []
        times.reserveCapacity(runs)  // so the timed loop's bookkeeping allocates nothing itself
        let allocationsBefore = mesh_alloc_count()
        for _ in 0..<runs {
            times.append(timedPicks(&balancer, count: count, checksum: &checksum) / Double(count))
        }
        let allocations = mesh_alloc_count() - allocationsBefore
        blackHole(checksum)
        return Result(
            picks: count,
            nanoseconds: Measure.median(times),
            allocations: allocations,
            updateMilliseconds: Measure.median(builds),
            bytesPerEndpoint: Double(bytes) / Double(endpoints)
        )
    }

    /// Some requests in flight and a latency history, so the P2C balancers compare real numbers.
    private func applyLoad(to balancer: inout Balancer, random: inout SeededRandom) {
        for slot in 0..<Int32(endpoints) {
            for _ in 0..<random.below(4) { balancer.requestStarted(slot: slot) }
            balancer.requestStarted(slot: slot)
            balancer.requestFinished(slot: slot, latency: 0.005 + 0.05 * random.unit(), now: 10 * random.unit())
        }
    }

    /// Nanoseconds for `count` picks, each with a different hash.
    @inline(never)
    private func timedPicks(_ balancer: inout Balancer, count: Int, checksum: inout Int64) -> Double {
        var sum: Int64 = 0
        let start = Measure.now()
        for index in 0..<count {
            sum &+= Int64(balancer.pick(hash: UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15) ?? -1)
        }
        let elapsed = Measure.now() - start
        checksum &+= sum
        return elapsed * 1e9
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private func lpad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// Keeps a result alive so the optimiser cannot drop the loop that made it.
@_optimize(none)
func blackHole(_ value: Int64) {}
