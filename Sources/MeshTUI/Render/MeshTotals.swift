import MeshCore

/// Whole-mesh numbers for the header: requests and failures as clients saw them (retries are
/// their own figure), latency as the endpoints answered (`EndpointLoad.total`).
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
        for service in state.services {
            endpoints += service.endpoints.count
            healthy += service.healthyCount
            let client = service.clientLoad
            rps += client.rps
            errors += client.errors
            if let traffic = service.traffic { retries = (retries ?? 0) + traffic.retries }
        }
        // Services' totals weigh their p99 by their requests, so their total is the mesh's.
        p99 = EndpointLoad.total(state.services.lazy.map(\.load)).p99
    }

    /// Nil before any traffic: no requests, no success rate.
    var successRate: Double? { rps > 0 ? max(0, 1 - errors / rps) : nil }
}
