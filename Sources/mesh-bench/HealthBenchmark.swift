import ArgumentParser
import Foundation
import MeshCore
import MeshProbe
import NIOCore
import NIOPosix

/// `mesh-bench health`: active checks of many endpoints against nginx in its own process, each
/// target on its own kept-alive connection. Reports the checker's CPU as a share of one core, and
/// HAProxy's for the same checks, run for run (interleaved) with nginx counting what arrived.
struct HealthBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Active health checks: CPU share of one core (target ≤ 30% for 10,000 endpoints at 1s) vs HAProxy, checks/s, p50/p99 latency."
    )

    @Option(help: "Targets checked, each on its own connection.") var endpoints = 10_000
    @Option(help: "Check interval.") var interval = "1s"
    @Option(help: "Check timeout.") var timeout = "500ms"
    @Option(help: "Seconds measured per run (after the first interval, which opens the connections).") var seconds = 10.0
    @Option(help: "Runs to take the median of.") var runs = 3
    @Option(help: "Event-loop threads of the checker.") var threads = 1
    @Option(help: "Local nginx ports the targets are spread over (default: two free ones).") var ports: String?
    @Option(help: "Check type: http or tcp.") var kind = "http"
    @Option(help: "Local port HAProxy's (unused) frontend listens on (default: a free one).") var haproxyPort: Int?
    @Flag(help: "Skip the HAProxy reference.") var noReference = false
    @Flag(help: "Stay in the machine's network namespace (TCP checks are then counted among everyone's connects).")
    var sharedNetwork = false

    struct Run {
        var cpuShare: Double, checksPerSecond: Double, p50: Double, p99: Double
        var openCPUShare: Double, failures: [String: Int]
        /// Checks per second as nginx counted them (requests for HTTP, connections for TCP).
        var arrivedPerSecond: Double
        /// The checker's own account of keeping up: checks started late, and the latest lag.
        var load: HealthCheckerLoad
    }

    struct ReferenceRun {
        var cpuShare: Double, arrivedPerSecond: Double
    }

    func run() throws {
        guard let interval = MeshDuration.parse(interval), interval > 0 else { throw ValidationError("bad --interval \(self.interval)") }
        guard let timeout = MeshDuration.parse(timeout), timeout > 0 else { throw ValidationError("bad --timeout \(self.timeout)") }
        guard let kind = HealthPolicy.Kind(rawValue: kind), kind != .none else { throw ValidationError("--kind is http or tcp") }
        // First, while this is the only thread: what the run counts and listens on is its own.
        let network = sharedNetwork ? "the machine's network namespace (--shared-network)"
            : OwnNetwork.enter().map { "the machine's network namespace (no namespace of its own: \($0))" }
            ?? "a network namespace of its own"
        let free = try BenchPorts()
        let ports = try self.ports.map { list in
            let ports = list.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !ports.isEmpty else { throw ValidationError("bad --ports \(list)") }
            return ports
        } ?? [free.backend1, free.backend2]
        let haproxyPort = haproxyPort ?? free.haproxy
        let limit = try Self.raiseFileLimit(to: endpoints + 1024)

        let nginx = try NginxBackends(ports: ports, connections: endpoints)
        defer { nginx.stop() }
        let policy = HealthPolicy(kind: kind, path: "/health", interval: interval, timeout: timeout)
        let targets = try (0..<endpoints).map { i in
            HealthTarget(service: 0, slot: Int32(i), address: try SocketAddress(ipAddress: "127.0.0.1", port: ports[i % ports.count]), policy: policy)
        }
        var results: [Run] = [], references: [ReferenceRun] = []
        for run in 1...runs {
            results.append(try measure(targets, interval: interval, nginx: nginx, kind: kind))
            print("run \(run)  mesh-top  \(Measure.format(results.last!.cpuShare * 100))% of a core, \(Measure.format(results.last!.arrivedPerSecond, 0)) checks/s arrived")
            guard !noReference else { continue }
            references.append(try measureHAProxy(ports: ports, listen: haproxyPort, interval: interval, timeout: timeout, nginx: nginx, kind: kind))
            print("run \(run)  HAProxy   \(Measure.format(references.last!.cpuShare * 100))% of a core, \(Measure.format(references.last!.arrivedPerSecond, 0)) checks/s arrived")
        }

        let share = Measure.median(results.map(\.cpuShare))
        print("health checks: \(endpoints) \(kind) targets every \(MeshDuration.format(interval)), nginx on \(ports.map(String.init).joined(separator: ",")) (own process), \(threads) checker thread(s), fd limit \(limit)")
        print("  in \(network)")
        print("  checker CPU, share of one core: \(Measure.format(share * 100))%   (target ≤ 30%)")
        print("  while opening connections:      \(Measure.format(Measure.median(results.map(\.openCPUShare)) * 100))%   (first interval)")
        print("  checks/s:                       \(Measure.format(Measure.median(results.map(\.checksPerSecond)), 0)) reported, \(Measure.format(Measure.median(results.map(\.arrivedPerSecond)), 0)) arrived   (expected \(Measure.format(Double(endpoints) / interval, 0)))")
        print("  latency p50 / p99:              \(Measure.format(Measure.median(results.map(\.p50)) * 1e6, 0)) / \(Measure.format(Measure.median(results.map(\.p99)) * 1e6, 0)) µs")
        print("  runs (CPU %): " + results.map { Measure.format($0.cpuShare * 100) }.joined(separator: ", "))
        let failures = results.reduce(into: [String: Int]()) { sum, run in sum.merge(run.failures, uniquingKeysWith: +) }
        print("  behind: " + results.map { "\($0.load.lateChecks) of \($0.load.connectsStarted) connects late, \($0.load.waiting) waiting, lag \(Measure.format($0.load.lag * 1000)) ms" }.joined(separator: "; "))
        print("  failed checks: " + (failures.isEmpty ? "none" : failures.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))
        if !references.isEmpty {
            let reference = Measure.median(references.map(\.cpuShare))
            let perCheck = share / Measure.median(results.map(\.arrivedPerSecond))
            let referencePerCheck = reference / Measure.median(references.map(\.arrivedPerSecond))
            print("  HAProxy (1 thread), same checks: \(Measure.format(reference * 100))% of a core, \(Measure.format(Measure.median(references.map(\.arrivedPerSecond)), 0)) checks/s arrived; runs " + references.map { Measure.format($0.cpuShare * 100) }.joined(separator: ", "))
            let perCheckRatio = referencePerCheck.isFinite && referencePerCheck > 0 ? Measure.format(perCheck / referencePerCheck, 2) + "×" : "n/a (not counted)"
            print("  mesh-top ÷ HAProxy: CPU \(Measure.format(share / reference, 2))×, CPU per check \(perCheckRatio)")
        }
    }

    /// One run: add every target, let the first interval open the connections, then measure.
    private func measure(_ targets: [HealthTarget], interval: Double, nginx: NginxBackends, kind: HealthPolicy.Kind) throws -> Run {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { try? group.syncShutdownGracefully() }
        let control = group.next()
        let tally = NIOLoopBoundBox.makeBoxSendingValue(Tally(), eventLoop: control)
        let checker = HealthChecker(group: group, resultsOn: control) { tally.value.record($0) }

        let cpu0 = Measure.cpuTime(), wall0 = Measure.now()
        for target in targets { checker.add(target) }
        Thread.sleep(forTimeInterval: interval * 1.5)
        let cpu1 = Measure.cpuTime(), wall1 = Measure.now()
        try control.submit { tally.value.reset() }.wait()
        let counted1 = try nginx.counters()
        Thread.sleep(forTimeInterval: seconds)
        let cpu2 = Measure.cpuTime(), wall2 = Measure.now()
        let counted2 = try nginx.counters()
        let window = try control.submit { tally.value.summary() }.wait()
        let load = try checker.load().wait()
        try checker.shutdown().wait()

        return Run(cpuShare: (cpu2 - cpu1) / (wall2 - wall1), checksPerSecond: Double(window.checks) / (wall2 - wall1),
                   p50: window.p50, p99: window.p99, openCPUShare: (cpu1 - cpu0) / (wall1 - wall0), failures: window.failures,
                   arrivedPerSecond: Self.arrived(counted1, counted2, kind: kind) / (wall2 - wall1), load: load)
    }

    /// HAProxy checking the same targets: started, given one and a half intervals to spread its
    /// first checks, then measured for as long as ours.
    private func measureHAProxy(ports: [Int], listen: Int, interval: Double, timeout: Double, nginx: NginxBackends, kind: HealthPolicy.Kind) throws -> ReferenceRun {
        let haproxy = try HAProxyChecks(targets: endpoints, ports: ports, kind: kind.rawValue, interval: interval, timeout: timeout, listen: listen)
        defer { haproxy.stop() }
        Thread.sleep(forTimeInterval: interval * 1.5)
        let cpu1 = haproxy.cpuSeconds, wall1 = Measure.now(), counted1 = try nginx.counters()
        Thread.sleep(forTimeInterval: seconds)
        let cpu2 = haproxy.cpuSeconds, wall2 = Measure.now(), counted2 = try nginx.counters()
        return ReferenceRun(cpuShare: (cpu2 - cpu1) / (wall2 - wall1),
                            arrivedPerSecond: Self.arrived(counted1, counted2, kind: kind) / (wall2 - wall1))
    }

    /// Checks that reached nginx between two readings (less the status request itself): HTTP
    /// requests served, or for TCP the connects started in this network namespace (a TCP check
    /// resets its connection as soon as it is up, before nginx accepts it): this run's alone in a
    /// namespace of its own (`OwnNetwork`), everyone's on the machine otherwise.
    private static func arrived(_ a: NginxCounters, _ b: NginxCounters, kind: HealthPolicy.Kind) -> Double {
        Double(kind == .http ? b.requests - a.requests - 1 : b.activeOpens - a.activeOpens - 1)
    }

    /// Ten thousand connections need more than the usual 1024 descriptors.
    static func raiseFileLimit(to wanted: Int) throws -> Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = min(max(limit.rlim_cur, rlim_t(wanted)), limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur >= rlim_t(wanted) else {
            throw ValidationError("need \(wanted) file descriptors, the hard limit is \(limit.rlim_max)")
        }
        return Int(limit.rlim_cur)
    }
}

/// Results counted on the control loop, as the engine would receive them.
private final class Tally {
    private var latencies: [Double] = []
    private var failures: [String: Int] = [:]

    func record(_ result: HealthCheckResult) {
        latencies.append(result.latency)
        if !result.passed { failures[result.detail ?? "?", default: 0] += 1 }
    }

    func reset() {
        latencies.removeAll(keepingCapacity: true)
        failures = [:]
    }

    func summary() -> (checks: Int, p50: Double, p99: Double, failures: [String: Int]) {
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return (0, .nan, .nan, failures) }
        return (sorted.count, sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)], failures)
    }
}
