import MeshCore

/// An instance as it announces itself in etcd (`/mesh-top/instances/NAME`, under its lease).
/// Before it revokes its lease on the way out it writes `leaving`, so that the others can tell
/// a goodbye (`left`) from a lease that ran out (`lost`).
struct SharedInstance: Codable, Equatable {
    var name: String
    /// Tells this run from an earlier one of the same name.
    var incarnation: String
    var admin: String?
    /// Wall-clock start (RFC 3339).
    var started: String
    var leaving: Bool?
}

/// How an instance sees an endpoint (`/mesh-top/health/NAME/SERVICE/ID`, under its lease).
struct SharedView: Codable, Equatable {
    var state: EndpointState
}
