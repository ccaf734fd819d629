import MeshCore

/// Whole-mesh numbers for the header, in one pass over every endpoint: requests and failures as
/// clients saw them (retries are their own figure), latency as the endpoints answered.
struct MeshTotals {
    var endpoints = 0
    var healthy = 0
    /// Client requests per second (attempts where a source cannot tell them apart).
    var rps = 0.0
    var errors = 0.0
    /// Retry attempts per second; nil when no source said (recordings from before services were sampled, live runs).
    var retries: Double?
    /// Request-weighted p99 across endpoints: an estimate, as a mesh-wide percentile is not kept.
    var p99 = 0.0

    init(_ state: MeshState) {
        var weighted = 0.0, attempts = 0.0
        for service in state.services {
            // By index: a `for e in` copy of each endpoint would retain every string and array in it.
            for i in service.endpoints.indices {
                endpoints += 1
                if service.endpoints[i].state == .healthy { healthy += 1 }
                let rps = service.endpoints[i].load.rps
                attempts += rps
                weighted += service.endpoints[i].load.p99 * rps
            }
            let client = service.clientLoad
            rps += client.rps
            errors += client.errors
            if let traffic = service.traffic { retries = (retries ?? 0) + traffic.retries }
        }
        p99 = attempts > 0 ? weighted / attempts : 0
    }

    /// Nil before any traffic: no requests, no success rate.
    var successRate: Double? { rps > 0 ? max(0, 1 - errors / rps) : nil }
}
