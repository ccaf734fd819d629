/// Everything the dashboard, the admin API and a keyframe show: the mesh as the events made it,
/// the read model of a session. `apply(_:)` builds it from events alone, so live runs, demos
/// and replays show the same mesh for the same events. The decisions are not here: they are
/// `MeshEngine`'s, from state of its own (health counters, holds, ejections, check timers) that
/// no event rebuilds, which is why a replay shows a mesh but cannot steer it.
public struct MeshState: Codable, Sendable, Equatable {
    /// How many notable events the state keeps for the events pane.
    public static let logLength = 200

    /// Scenario or config name.
    public var name: String
    public var summary: String
    /// `demo` or `run`: where the events came from.
    public var source: String
    /// Mesh time of the last event applied.
    public var time: Double
    /// Sequence number of the last event applied.
    public var seq: UInt64
    public var services: [Service]
    public var alerts: [FiringAlert]
    /// Recent notable events, oldest first.
    public var log: [MeshEvent]
    /// Notable events older than `log`'s first, dropped to keep it at `logLength`: the events
    /// pane says how many instead of looking like the whole history.
    public var logDropped = 0
    /// In a shared mesh: this instance's name (`--instance`); nil outside one.
    public var instance: String?
    /// In a shared mesh: the instances up now, this one included, in the order they joined.
    public var instances: [MeshInstance]
    /// Consul's node maintenance while it lasts (its reason, the endpoints it drained); nil otherwise.
    public var nodeMaintenance: NodeChange?

    public init(name: String = "", summary: String = "", source: String = "demo", services: [Service] = []) {
        self.name = name; self.summary = summary; self.source = source
        self.time = 0; self.seq = 0; self.services = services; self.alerts = []; self.log = []
        self.instances = []
    }

    public func service(_ name: String) -> Service? { services.first { $0.name == name } }

    public func endpoint(_ ref: EndpointRef) -> Endpoint? { service(ref.service)?.endpoint(ref.endpoint) }

    public var endpointCount: Int { services.reduce(0) { $0 + $1.endpoints.count } }
    public var healthyCount: Int { services.reduce(0) { $0 + $1.healthyCount } }

    /// Indices of an endpoint, for in-place updates.
    /// `hint`: where the caller expects it, taken when it holds (the engine knows, and a
    /// search of a large service was most of a change of state).
    func position(of ref: EndpointRef, hint: (service: Int, endpoint: Int)? = nil) -> (service: Int, endpoint: Int)? {
        if let (s, e) = hint, s < services.count, e < services[s].endpoints.count,
           services[s].name == ref.service, services[s].endpoints[e].id == ref.endpoint {
            return (s, e)
        }
        guard let s = services.firstIndex(where: { $0.name == ref.service }),
              let e = services[s].endpoints.firstIndex(where: { $0.id == ref.endpoint }) else { return nil }
        return (s, e)
    }

    // Keyframes nest a state; its own log would only repeat what the recording already holds.
    private enum CodingKeys: String, CodingKey { case name, summary, source, time, seq, services, alerts, log, instance, instances, nodeMaintenance }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        summary = try c.decodeIfPresent(String.self, forKey: .summary) ?? ""
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? "demo"
        time = try c.decodeIfPresent(Double.self, forKey: .time, in: RecordedRange.time) ?? 0
        seq = try c.decodeIfPresent(UInt64.self, forKey: .seq) ?? 0
        services = try c.decode([Service].self, forKey: .services)
        alerts = try c.decodeIfPresent([FiringAlert].self, forKey: .alerts) ?? []
        // The events pane keeps `logLength`: a longer log (edited by hand) would never shrink.
        log = Array((try c.decodeIfPresent([MeshEvent].self, forKey: .log) ?? []).suffix(MeshState.logLength))
        instance = try c.decodeIfPresent(String.self, forKey: .instance)
        instances = try c.decodeIfPresent([MeshInstance].self, forKey: .instances) ?? []
        nodeMaintenance = try c.decodeIfPresent(NodeChange.self, forKey: .nodeMaintenance)
    }
}
