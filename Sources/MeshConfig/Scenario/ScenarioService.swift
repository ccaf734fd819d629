public import MeshCore

/// A service of a scenario: its policy and its simulated endpoints.
public struct ScenarioService: Sendable, Equatable {
    public var name: String
    public var endpoints: [SimulatedEndpointConfig]
    public var policy: ServicePolicy

    public init(name: String, endpoints: [SimulatedEndpointConfig] = [], policy: ServicePolicy = ServicePolicy()) {
        self.name = name; self.endpoints = endpoints; self.policy = policy
    }

    /// The registry's view of this service, endpoints in state `unknown`.
    public var service: Service {
        Service(name: name, balancer: policy.balancer, zones: policy.zones, endpoints: endpoints.map(\.endpoint))
    }
}

extension ScenarioService {
    init(_ field: Field) throws(ConfigError) {
        let map = try field.object(["name", "endpoints"] + PolicyReader.keys)
        name = try map.required("name").name()
        policy = try PolicyReader.policy(map, defaultCheck: .http)
        endpoints = []
        var ids = UniqueNames("endpoint id", scope: " in service \(name)")
        for item in try map["endpoints"]?.list() ?? [] {
            let (endpoint, idField) = try SimulatedEndpointConfig.read(item, zones: policy.zones)
            try ids.insert(endpoint.id, at: idField)
            endpoints.append(endpoint)
        }
    }
}
