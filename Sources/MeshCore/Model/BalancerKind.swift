/// The balancing algorithms, by their names in mesh.yaml's `balancer:` (each one's reference:
/// `MeshCore.docc/Balancers.md`).
public enum BalancerKind: String, Codable, Sendable, CaseIterable, RecordedName {
    case roundRobin = "round-robin"
    case weightedRoundRobin = "weighted-round-robin"
    case leastRequest = "least-request"
    case p2cEWMA = "p2c-ewma"
    case ringHash = "ring-hash"
    case maglev
    case random

    /// Whether picks are keyed by `hash_on`.
    public var isHashing: Bool { self == .ringHash || self == .maglev }
}
