import MeshCore

/// Whole-mesh numbers for the header, in one pass over every endpoint.
struct MeshTotals {
    var endpoints = 0
    var healthy = 0
    var rps = 0.0
    var errors = 0.0
    /// Request-weighted p99 across endpoints: an estimate, as a mesh-wide percentile is not kept.
    var p99 = 0.0

    init(_ state: MeshState) {
        var weighted = 0.0
        for service in state.services {
            for e in service.endpoints {
                endpoints += 1
                if e.state == .healthy { healthy += 1 }
                rps += e.load.rps; errors += e.load.errors
                weighted += e.load.p99 * e.load.rps
            }
        }
        p99 = rps > 0 ? weighted / rps : 0
    }

    /// Nil before any traffic.
    var successRate: Double? { rps > 0 ? max(0, 1 - errors / rps) : nil }
}
