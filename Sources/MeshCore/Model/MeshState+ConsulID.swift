/// Consul names a service instance by an ID unique across the agent (`agent/local/state.go`
/// keys services by ID alone); mesh-top names endpoints `SERVICE/ENDPOINT`. The bridge: an
/// endpoint's Consul ID is its id, or `SERVICE:ID` where endpoints of several services share
/// that id (scenarios may; a registration cannot take an id that is in use).
extension MeshState {
    /// Every endpoint with its Consul ID, in mesh order.
    public func consulIDs() -> [(id: String, ref: EndpointRef)] {
        var seen: [String: Int] = [:]
        for service in services { for endpoint in service.endpoints { seen[endpoint.id, default: 0] += 1 } }
        var out: [(id: String, ref: EndpointRef)] = []
        out.reserveCapacity(endpointCount)
        for service in services {
            for endpoint in service.endpoints {
                let id = seen[endpoint.id] == 1 ? endpoint.id : "\(service.name):\(endpoint.id)"
                out.append((id, EndpointRef(service: service.name, endpoint: endpoint.id)))
            }
        }
        return out
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
