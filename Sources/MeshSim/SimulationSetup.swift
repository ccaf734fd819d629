public import MeshCore

/// Everything a simulation starts from, already checked: the mesh, how each endpoint behaves,
/// the offered traffic and the timeline.
public struct SimulationSetup: Sendable {
    public struct ServiceSetup: Sendable {
        public var name: String
        public var policy: ServicePolicy
        public var endpoints: [(Endpoint, SimEndpoint)]

        public init(name: String, policy: ServicePolicy, endpoints: [(Endpoint, SimEndpoint)]) {
            self.name = name; self.policy = policy; self.endpoints = endpoints
        }
    }

    public struct Traffic: Sendable {
        public var service: String
        public var rps: Double
        public var pattern: TrafficPattern

        public init(service: String, rps: Double, pattern: TrafficPattern) {
            self.service = service; self.rps = rps; self.pattern = pattern
        }
    }

    public var name: String
    public var summary: String
    public var seed: UInt64
    public var duration: Double?
    public var services: [ServiceSetup]
    public var traffic: [Traffic]
    public var timeline: [SimAction]
    /// Cadence of `sample` events.
    public var sampleInterval: Double = 1

    public init(name: String, summary: String = "", seed: UInt64 = 1, duration: Double? = nil,
                services: [ServiceSetup], traffic: [Traffic], timeline: [SimAction] = []) {
        self.name = name; self.summary = summary; self.seed = seed; self.duration = duration
        self.services = services; self.traffic = traffic; self.timeline = timeline.sorted { $0.at < $1.at }
    }

    /// The starting mesh as the dashboard and a recording's header show it.
    public var mesh: MeshState {
        MeshState(name: name, summary: summary, source: "demo", services: services.map { s in
            Service(name: s.name, balancer: s.policy.balancer, zones: s.policy.zones, endpoints: s.endpoints.map(\.0))
        })
    }

    public var policies: [String: ServicePolicy] {
        Dictionary(services.map { ($0.name, $0.policy) }, uniquingKeysWith: { a, _ in a })
    }
}
