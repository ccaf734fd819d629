import MeshCore

/// A registration as it is stored in etcd: enough to register the endpoint elsewhere, and who
/// wrote it (an instance ignores its own writes when they come back through the watch). Health
/// stays local: another instance runs the HTTP and TCP checks itself, but TTL reports reach
/// only the instance they were sent to, and only that one deregisters an instance for staying
/// critical.
struct SharedEntry: Codable, Equatable {
    var service: String
    var id: String
    var address: String?
    var zone: String
    var weight: Int
    var tags: [String]
    var metadata: [String: String]
    var registration: Registration?
    var owner: String

    init(service: String, endpoint: Endpoint, owner: String) {
        self.service = service; id = endpoint.id; address = endpoint.address; zone = endpoint.zone
        weight = endpoint.weight; tags = endpoint.tags; metadata = endpoint.metadata
        registration = endpoint.registration; self.owner = owner
    }

    /// The endpoint as another instance registers it: without the TTL checks and the
    /// deregistration delay, which belong to the instance that took the registration.
    var endpoint: Endpoint {
        var registration = registration ?? Registration()
        registration.checks = registration.checks.filter { $0.kind != .ttl }.map { check in
            var check = check
            check.deregisterCriticalAfter = nil
            return check
        }
        return Endpoint(id: id, address: address, zone: zone, weight: weight, tags: tags, metadata: metadata,
                        registration: registration)
    }

    /// `/mesh-top/registry/SERVICE/ID`.
    static func key(service: String, id: String) -> String { SharedRegistry.prefix + service + "/" + id }

    /// The ID back from a key (an ID never holds '/': the Consul API refuses it).
    static func id(ofKey key: String) -> String? {
        guard key.hasPrefix(SharedRegistry.prefix), let slash = key.lastIndex(of: "/") else { return nil }
        return String(key[key.index(after: slash)...])
    }
}
