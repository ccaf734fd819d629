public import MeshCore

/// Per-endpoint traffic counters. Each event loop keeps its own; the control plane sums them.
public struct EndpointCounters: Sendable, Equatable {
    /// Upper bounds (seconds) of the latency buckets; a last bucket counts everything above.
    public static let latencyBounds = LatencyWindow.bounds

    /// Requests (HTTP) or connections (TCP) that finished, whatever the outcome.
    public var requests: UInt64 = 0
    /// 5xx responses, connect failures, resets and timeouts.
    public var errors: UInt64 = 0
    public var connectErrors: UInt64 = 0
    /// TLS handshakes with the endpoint that failed, or whose certificate was not the expected
    /// identity (each also counts as a connect error).
    public var handshakeFailures: UInt64 = 0
    public var timeouts: UInt64 = 0
    /// Requests in flight or relayed connections open now.
    public var active: Int = 0
    /// Every finished request's latency, in the histogram the simulator keeps too: p50 and p99
    /// come from it in every mode (`LatencyHistogram.quantile`).
    public var latency = LatencyHistogram()
    /// Counts per bucket of `latencyBounds`, plus one for larger latencies: `/metrics`' buckets,
    /// counted exactly.
    public var latencyBuckets: [UInt64] = Array(repeating: 0, count: EndpointCounters.latencyBounds.count + 1)
    /// HTTP responses by status class (the endpoint's, or the 502/503/504 the proxy gave for it).
    public var codes = StatusClasses()
    /// Connections open to the endpoint now (HTTP: pooled ones included), set when collected.
    public var connections = 0

    public init() {}

    @inline(__always)
    mutating func record(latency seconds: Double) {
        latency.record(seconds)
        latencyBuckets[LatencyWindow.bucket(of: seconds)] &+= 1
    }

    /// Adds another loop's counters to these.
    public mutating func add(_ other: EndpointCounters) {
        requests += other.requests; errors += other.errors; connectErrors += other.connectErrors
        handshakeFailures += other.handshakeFailures
        timeouts += other.timeouts; active += other.active
        latency.merge(other.latency)
        for i in latencyBuckets.indices { latencyBuckets[i] += other.latencyBuckets[i] }
        codes.add(other.codes)
        connections += other.connections
    }
}
