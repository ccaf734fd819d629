import MeshCore

/// An endpoint as it is stored in etcd (`/mesh-top/registry/SERVICE/ID`): enough to route to it
/// elsewhere, and the instance owning it: the one whose mesh.yaml names it (`registration`
/// nil) or that took its registration. Health stays local: another instance runs the HTTP and
/// TCP checks itself, but TTL reports reach only the instance they were sent to, and only that
/// one deregisters an instance for staying critical.
struct SharedEntry: Codable, Equatable {
    var service: String
    var id: String
    var address: String?
    var zone: String
    var weight: Int
    var tags: [String]
    var metadata: [String: String]
    var supervised: Bool?
    var registration: Registration?
    /// The owning instance's name.
    var instance: String

    init(service: String, endpoint: Endpoint, instance: String) {
        self.service = service; id = endpoint.id; address = endpoint.address; zone = endpoint.zone
        weight = endpoint.weight; tags = endpoint.tags; metadata = endpoint.metadata
        supervised = endpoint.supervised ? true : nil
        registration = endpoint.registration; self.instance = instance
    }

    /// The endpoint as another instance routes to it: a registration without the TTL checks
    /// and the deregistration delay, which belong to the instance that took it.
    var endpoint: Endpoint {
        let registration = registration.map { registration in
            var registration = registration
            registration.checks = registration.checks.filter { $0.kind != .ttl }.map { check in
                var check = check
                check.deregisterCriticalAfter = nil
                return check
            }
            return registration
        }
        var endpoint = Endpoint(id: id, address: address, zone: zone, weight: weight, tags: tags, metadata: metadata,
                                supervised: supervised ?? false, registration: registration)
        endpoint.owner = instance
        return endpoint
    }

    var ref: EndpointRef { EndpointRef(service: service, endpoint: id) }
}
