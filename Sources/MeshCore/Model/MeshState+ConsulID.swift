/// Consul names a service instance by an ID unique across the agent (`agent/local/state.go`
/// keys services by ID alone); mesh-top names endpoints `SERVICE/ENDPOINT`. The bridge: an
/// endpoint's Consul ID is its id, or `SERVICE:ID` where endpoints of several services share
/// that id (scenarios may; a registration cannot take an id that is in use).
extension MeshState {
    /// Every endpoint with its Consul ID, in mesh order.
    public func consulIDs() -> [(id: String, ref: EndpointRef)] {
        let shared = sharedEndpointIDs()
        var out: [(id: String, ref: EndpointRef)] = []
        out.reserveCapacity(endpointCount)
        for service in services {
            for endpoint in service.endpoints {
                out.append((Self.consulID(endpoint.id, in: service.name, shared: shared),
                            EndpointRef(service: service.name, endpoint: endpoint.id)))
            }
        }
        return out
    }

    /// Endpoint ids that more than one service uses.
    public func sharedEndpointIDs() -> Set<String> {
        var seen = Set<String>(), shared = Set<String>()
        for service in services {
            for endpoint in service.endpoints where !seen.insert(endpoint.id).inserted { shared.insert(endpoint.id) }
        }
        return shared
    }

    /// An endpoint's Consul ID, given `sharedEndpointIDs()`.
    public static func consulID(_ id: String, in service: String, shared: Set<String>) -> String {
        shared.contains(id) ? "\(service):\(id)" : id
    }

    /// The endpoint a Consul ID names, if any.
    public func ref(consulID: String) -> EndpointRef? {
        consulIDs().first { $0.id == consulID }?.ref
    }

    /// The endpoint and position of the check with this `CheckID` (check IDs, like service IDs,
    /// are unique across a Consul agent).
    public func check(_ checkID: String) -> (ref: EndpointRef, check: ServiceCheck)? {
        for service in services {
            for endpoint in service.endpoints {
                if let check = endpoint.registration?.check(checkID) {
                    return (EndpointRef(service: service.name, endpoint: endpoint.id), check)
                }
            }
        }
        return nil
    }
}
