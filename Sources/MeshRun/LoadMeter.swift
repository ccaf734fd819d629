import MeshCore
import MeshProxy

/// Turns the proxy's running counters into per-window loads: the difference with the last
/// window, measured as the simulator measures its own (`EndpointLoad(window:…)`), with the
/// Prometheus buckets the proxy counted exactly.
struct LoadMeter {
    private var previous: [Int32: EndpointCounters] = [:]

    mutating func load(slot: Int32, counters: EndpointCounters, window: Double) -> EndpointLoad {
        let before = previous[slot] ?? EndpointCounters()
        previous[slot] = counters
        let requests = counters.requests &- min(before.requests, counters.requests)
        let errors = counters.errors &- min(before.errors, counters.errors)
        let latencies = counters.latency.since(before.latency)
        var buckets = counters.latencyBuckets
        for i in buckets.indices where i < before.latencyBuckets.count {
            buckets[i] = buckets[i] &- min(before.latencyBuckets[i], buckets[i])
        }
        var codes = counters.codes
        for i in codes.counts.indices { codes.counts[i] = codes.counts[i] &- min(before.codes.counts[i], codes.counts[i]) }
        let http = counters.codes.counts.contains { $0 > 0 }
        var load = EndpointLoad(window: window, requests: Double(requests), errors: Double(errors), active: counters.active,
                                latencies: latencies,
                                buckets: LatencyWindow(buckets: buckets.map { UInt32(clamping: $0) }, sum: latencies.sum))
        load.codes = http ? codes : nil
        load.connections = counters.connections
        return load
    }
}
