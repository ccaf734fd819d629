public import MeshConfig
import MeshCore

/// A simulated endpoint: how it answers, what the timeline has done to it, and what it served
/// in the current sample window.
public struct SimEndpoint: Sendable {
    public var latency: LatencyModel
    public var errorRate: Double
    /// Requests per second it can serve; past that, requests queue.
    public var capacity: Double
    public var zone: String

    // Faults from the timeline or the operator.
    public var crashed = false
    public var partitioned = false
    public var addedLatency: Double = 0
    public var addedErrorRate: Double = 0
    /// Deregistered: no longer checked (its slot is never reused).
    var detached = false

    /// When its queue of work empties, if no more arrives (a single-server queue at `capacity`).
    var busyUntil: Double = 0
    var inFlight = 0

    // The current sample window.
    var requests = 0
    var errors = 0
    var histogram = LatencyHistogram()
    var checks: [CheckMark] = []

    public init(latency: LatencyModel, errorRate: Double, capacity: Double, zone: String) {
        self.latency = latency; self.errorRate = errorRate; self.capacity = capacity; self.zone = zone
    }

    /// As a scenario describes it; no `capacity:` means it never queues.
    public init(config: SimulatedEndpointConfig) {
        self.init(latency: LatencyModel(p50: config.p50, p99: config.p99), errorRate: config.errorRate,
                  capacity: config.capacity ?? .infinity, zone: config.zone)
    }

    /// Reachable at all: not crashed, not cut off from the world.
    var isUp: Bool { !crashed && !partitioned }

    /// Clears every fault (the timeline's `recover`).
    mutating func recover() {
        crashed = false; partitioned = false; addedLatency = 0; addedErrorRate = 0
    }

    /// How long a request arriving now waits before it is served, and books its share of work.
    @inline(__always)
    mutating func queue(at now: Double) -> Double {
        let start = max(busyUntil, now)
        busyUntil = capacity.isFinite ? start + 1 / max(capacity, 1e-9) : start
        return start - now
    }

    /// Takes a request arriving `now`: how long until it is answered and whether it succeeds
    /// (a timeout, without service, when the queue is longer than anyone waits). One mutation
    /// per request, so the simulator pays one array access for it, not one per field.
    @inline(__always)
    mutating func serve(at now: Double, timeout: Double, random: inout SeededRandom,
                        normals: inout NormalDraws) -> (latency: Double, success: Bool) {
        inFlight += 1
        let wait = max(busyUntil, now) - now
        if wait > timeout { return (timeout, false) }
        _ = queue(at: now)
        var latency = wait + self.latency.sample(standardNormal: normals.next(&random)) + addedLatency
        var success = true
        if latency > timeout { latency = timeout; success = false }
        if random.unit() < errorRate + addedErrorRate { success = false }
        return (latency, success)
    }

    /// A request it took ended after `latency`: whether it succeeded, counting it failed when
    /// the process died meanwhile (its connection was reset).
    @inline(__always)
    mutating func finish(latency: Double, success: Bool) -> Bool {
        let success = success && !crashed
        inFlight -= 1
        requests += 1
        if !success { errors += 1 }
        histogram.record(latency)
        return success
    }

    /// The window's load, then a fresh window.
    mutating func takeLoad(window: Double) -> EndpointLoad {
        var load = EndpointLoad(window: window, requests: Double(requests), errors: Double(errors), active: inFlight,
                                latencies: histogram)
        load.checks = checks.isEmpty ? nil : checks
        // Simulated answers: 200, or 503 for a failure.
        load.codes = requests == 0 ? nil : StatusClasses([0, UInt64(requests - errors), 0, 0, UInt64(errors)])
        requests = 0; errors = 0; histogram.reset(); checks.removeAll(keepingCapacity: true)
        return load
    }
}
