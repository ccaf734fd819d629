public import MeshConfig
public import MeshCore

/// Registrations in demo mode (the timeline's, and the registry API's): the engine registers
/// the endpoint, and its `attach` makes it a simulated one that the simulated traffic and
/// checks reach.
extension Simulator {
    /// Adds (or replaces) a simulated endpoint of a scenario service.
    public func register(_ config: SimulatedEndpointConfig, in service: String, address: String? = nil) throws(OperatorError) {
        try requireService(service)
        var endpoint = config.endpoint
        endpoint.address = address
        joining[EndpointRef(service: service, endpoint: config.id)] = config
        defer { joining.removeAll() }
        carryOut(engine.register(service: service, endpoint: endpoint, now: now))
    }

    /// A command of the registry API. A registered endpoint answers like a scenario endpoint
    /// with default latencies; its TTL checks live on reports (and run out as live ones do),
    /// and the simulated check stands in for its HTTP and TCP checks.
    public func registry(_ command: RegistryCommand) throws(OperatorError) {
        if case .register(let service, let endpoint, _) = command {
            try requireService(service)
            joining[EndpointRef(service: service, endpoint: endpoint.id)] = SimulatedEndpointConfig(
                id: endpoint.id, zone: endpoint.zone, weight: endpoint.weight, tags: endpoint.tags, metadata: endpoint.metadata)
        }
        defer { joining.removeAll() }
        carryOut(try engine.apply(command, now: now))
    }

    private func requireService(_ service: String) throws(OperatorError) {
        guard engine.serviceIndex(service) != nil else {
            throw OperatorError.readOnly("demo: service '\(service)' is not in the scenario")
        }
    }
}
