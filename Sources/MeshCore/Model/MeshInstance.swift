/// One mesh-top of a shared mesh, as the `instance` events made it known.
public struct MeshInstance: Codable, Sendable, Equatable {
    public var name: String
    /// Its admin API address, when it said.
    public var admin: String?
    /// Mesh time (of this instance) at which it was seen to join.
    public var since: Double

    public init(name: String, admin: String? = nil, since: Double) {
        self.name = name; self.admin = admin; self.since = since
    }
}
