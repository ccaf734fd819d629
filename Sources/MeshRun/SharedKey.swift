import MeshCore

/// Where a shared mesh lives in etcd. Every key is under `/mesh-top/`, so one watch follows
/// the whole mesh from one revision:
///
/// | key | value | lease |
/// |---|---|---|
/// | `/mesh-top/instances/NAME` | `SharedInstance`: who is up, its admin address | the instance's |
/// | `/mesh-top/registry/SERVICE/ID` | `SharedEntry`: an endpoint, and the instance owning it | the owner's |
/// | `/mesh-top/operator/SERVICE/ID/hold` | `SharedWord`: the last drain, kill or restore | none: it outlives everyone |
/// | `/mesh-top/operator/SERVICE/ID/weight` | `SharedWord`: the last re-weight | none |
/// | `/mesh-top/health/NAME/SERVICE/ID` | `SharedView`: how instance NAME sees the endpoint | NAME's |
///
/// Service names, endpoint IDs and instance names never hold '/' (the config, the Consul API
/// and `--instance` refuse it), so a key splits back into its parts.
enum SharedKey: Hashable, Sendable {
    enum Aspect: String, Sendable { case hold, weight }

    case instance(String)
    case registry(EndpointRef)
    case word(EndpointRef, Aspect)
    case health(instance: String, EndpointRef)

    static let root = "/mesh-top/"

    var path: String {
        switch self {
        case .instance(let name): Self.root + "instances/" + name
        case .registry(let ref): Self.root + "registry/\(ref.service)/\(ref.endpoint)"
        case .word(let ref, let aspect): Self.root + "operator/\(ref.service)/\(ref.endpoint)/\(aspect.rawValue)"
        case .health(let name, let ref): Self.root + "health/\(name)/\(ref.service)/\(ref.endpoint)"
        }
    }

    /// nil for a key mesh-top did not write (another program's, under the same root).
    init?(path: String) {
        guard path.hasPrefix(Self.root) else { return nil }
        let parts = path.dropFirst(Self.root.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        switch (parts.first, parts.count) {
        case ("instances", 2): self = .instance(parts[1])
        case ("registry", 3): self = .registry(EndpointRef(service: parts[1], endpoint: parts[2]))
        case ("operator", 4):
            guard let aspect = Aspect(rawValue: parts[3]) else { return nil }
            self = .word(EndpointRef(service: parts[1], endpoint: parts[2]), aspect)
        case ("health", 4): self = .health(instance: parts[1], EndpointRef(service: parts[2], endpoint: parts[3]))
        default: return nil
        }
    }

    /// Snapshots are applied in this order, so that an endpoint is there before the operator's
    /// word on it and the others' views of it, and its owner before it.
    var rank: Int {
        switch self {
        case .instance: 0
        case .registry: 1
        case .word: 2
        case .health: 3
        }
    }
}
