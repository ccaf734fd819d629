public import MeshConfig
public import MeshCore

/// Registrations in demo mode (the timeline's, and the Consul-compatible API's): a registered
/// endpoint becomes a simulated one that the simulated traffic and checks reach.
extension Simulator {
    /// Adds (or replaces) a simulated endpoint of a scenario service.
    public func register(_ config: SimulatedEndpointConfig, in service: String, address: String? = nil) throws(OperatorError) {
        guard let s = engine.serviceIndex(service) else {
            throw OperatorError.readOnly("demo: service '\(service)' is not in the scenario")
        }
        var endpoint = config.endpoint
        endpoint.address = address
        engine.register(service: service, endpoint: endpoint, now: now)
        guard let slot = engine.locate(EndpointRef(service: service, endpoint: config.id))?.slot else { return }
        let simulated = SimEndpoint(config: config)
        if Int(slot) < endpoints[s].count { endpoints[s][Int(slot)] = simulated } else { endpoints[s].append(simulated) }
        scheduleFirstCheck(service: s, slot: slot)
    }

    /// A registry change from the API. A registered endpoint answers like a scenario endpoint
    /// with default latencies; TTL reports count as checks next to the simulated ones.
    public func registry(_ command: RegistryCommand) throws(OperatorError) {
        switch command {
        case .register(let service, let endpoint, _):
            try register(SimulatedEndpointConfig(id: endpoint.id, zone: endpoint.zone, weight: endpoint.weight,
                                                 tags: endpoint.tags, metadata: endpoint.metadata), in: service, address: endpoint.address)
        case .deregister(let id):
            guard let ref = engine.locate(id: id) else { throw OperatorError.unknownID(id) }
            try engine.deregister(ref, now: now)
        case .report(let id, let passed):
            guard let ref = engine.locate(id: id), let (s, slot) = engine.locate(ref) else { throw OperatorError.unknownID(id) }
            engine.healthCheck(service: s, slot: slot, passed: passed, now: now)
        }
    }
}
