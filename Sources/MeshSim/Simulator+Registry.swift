public import MeshConfig
public import MeshCore

/// Registrations in demo mode (the timeline's, and the registry API's): a registered endpoint
/// becomes a simulated one that the simulated traffic and checks reach.
extension Simulator {
    /// Adds (or replaces) a simulated endpoint of a scenario service.
    public func register(_ config: SimulatedEndpointConfig, in service: String, address: String? = nil) throws(OperatorError) {
        try requireService(service)
        var endpoint = config.endpoint
        endpoint.address = address
        engine.register(service: service, endpoint: endpoint, now: now)
        simulate(config, as: EndpointRef(service: service, endpoint: config.id))
    }

    /// A command of the registry API. A registered endpoint answers like a scenario endpoint
    /// with default latencies; its TTL checks live on reports, and the simulated check stands
    /// in for its HTTP and TCP checks.
    public func registry(_ command: RegistryCommand) throws(OperatorError) {
        guard case .register(let service, let endpoint, _) = command else { return try engine.apply(command, now: now) }
        try requireService(service)
        try engine.apply(command, now: now)
        simulate(SimulatedEndpointConfig(id: endpoint.id, zone: endpoint.zone, weight: endpoint.weight,
                                         tags: endpoint.tags, metadata: endpoint.metadata),
                 as: EndpointRef(service: service, endpoint: endpoint.id))
    }

    private func requireService(_ service: String) throws(OperatorError) {
        guard engine.serviceIndex(service) != nil else {
            throw OperatorError.readOnly("demo: service '\(service)' is not in the scenario")
        }
    }

    /// The simulated endpoint behind a slot; a new slot gets its first check (a replaced one
    /// keeps the checks it has).
    private func simulate(_ config: SimulatedEndpointConfig, as ref: EndpointRef) {
        guard let (s, slot) = engine.locate(ref) else { return }
        let simulated = SimEndpoint(config: config)
        if Int(slot) < endpoints[s].count {
            endpoints[s][Int(slot)] = simulated
        } else {
            endpoints[s].append(simulated)
            scheduleFirstCheck(service: s, slot: slot)
        }
    }
}
