import MeshCore
import MeshProxy

/// Turns the proxy's running counters into per-window loads: rps and errors from the
/// difference with the last window, p50/p99 from the difference of the latency buckets.
struct LoadMeter {
    private var previous: [Int32: EndpointCounters] = [:]

    mutating func load(slot: Int32, counters: EndpointCounters, window: Double) -> EndpointLoad {
        let before = previous[slot] ?? EndpointCounters()
        previous[slot] = counters
        let requests = counters.requests &- min(before.requests, counters.requests)
        let errors = counters.errors &- min(before.errors, counters.errors)
        var buckets = counters.latencyBuckets
        for i in buckets.indices where i < before.latencyBuckets.count {
            buckets[i] = buckets[i] &- min(before.latencyBuckets[i], buckets[i])
        }
        let latency = requests == 0 ? nil : LatencyWindow(buckets: buckets.map { UInt32(clamping: $0) },
                                                          sum: max(0, counters.latencySum - before.latencySum))
        var codes = counters.codes
        for i in codes.counts.indices { codes.counts[i] = codes.counts[i] &- min(before.codes.counts[i], codes.counts[i]) }
        let http = counters.codes.counts.contains { $0 > 0 }
        return EndpointLoad(rps: Double(requests) / window, active: counters.active,
                            p50: Self.quantile(0.5, buckets), p99: Self.quantile(0.99, buckets),
                            errors: Double(errors) / window, latency: latency,
                            codes: http ? codes : nil, connections: counters.connections)
    }

    /// Interpolated inside the bucket where the rank falls; 0 with no requests.
    static func quantile(_ q: Double, _ buckets: [UInt64]) -> Double {
        let total = buckets.reduce(0, +)
        guard total > 0 else { return 0 }
        let bounds = EndpointCounters.latencyBounds
        let rank = q * Double(total)
        var seen = 0.0
        for (i, count) in buckets.enumerated() where count > 0 {
            let low = i == 0 ? 0 : bounds[i - 1]
            let high = i < bounds.count ? bounds[i] : bounds[bounds.count - 1] * 2
            if seen + Double(count) >= rank {
                return low + (high - low) * max(0, rank - seen) / Double(count)
            }
            seen += Double(count)
        }
        return bounds[bounds.count - 1]
    }
}
