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

    /// `summaries`: each service's, by index.
    init(_ state: MeshState, summaries: [ServiceSummary]) {
        for (service, summary) in zip(state.services, summaries) {
            endpoints += service.endpoints.count
            healthy += summary.healthy
            let client = summary.clientLoad
            rps += client.rps
            errors += client.errors
            if let traffic = service.traffic { retries = (retries ?? 0) + traffic.retries }
        }
        // Services' totals weigh their p99 by their requests, so their total is the mesh's.
        p99 = EndpointLoad.total(summaries.lazy.map(\.load)).p99
    }

    /// Nil before any traffic: no requests, no success rate.
    var successRate: Double? { rps > 0 ? max(0, 1 - errors / rps) : nil }
}
