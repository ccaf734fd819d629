/// An endpoint as the operator sees it: where it is, how much traffic it should get, and how it is.
public struct Endpoint: Codable, Sendable, Equatable, Identifiable {
    public static let defaultWeight = 100
    public static let weightRange = 0...10_000
    /// How many load samples the sparkline keeps (a minute at the default 1 s cadence).
    public static let historyLength = 60
    /// How many active check results the detail pane keeps.
    public static let checkHistoryLength = 24

    public var id: String
    public var address: String?
    public var zone: String
    public var weight: Int
    public var tags: [String]
    public var metadata: [String: String]
    /// Started and killed for real by mesh-top (`command:` in mesh.yaml).
    public var supervised: Bool
    public var state: EndpointState
    /// Mesh time of the last state change.
    public var since: Double
    public var load: EndpointLoad
    /// Recent rps samples, oldest first.
    public var history: [Float]
    /// Set when the endpoint came from a Consul registration (its checks, its warning weight);
    /// nil for mesh.yaml's and scenarios' endpoints.
    public var registration: Registration?
    /// Why an operator took it out of rotation, when they said (Consul's maintenance reason);
    /// cleared by `restore`.
    public var maintenance: String?
    /// In a shared mesh: the instance whose mesh.yaml names it or that took its registration.
    public var owner: String?
    /// In a shared mesh: how the other instances see it (instance → state), each by its own
    /// checks; nil when none has said.
    public var views: [String: EndpointState]?
    /// Recent active check results, oldest first. Kept out of keyframes and `/v1/mesh`
    /// (samples refill it), like `latency`.
    public var checks: [CheckMark] = []
    /// The latency histogram of the last sample window, when it had requests.
    public var latency: LatencyWindow?

    private enum CodingKeys: String, CodingKey {
        case id, address, zone, weight, tags, metadata, supervised, state, since, load, history, registration, maintenance
        case owner, views
    }

    /// Equal when what a keyframe carries is: the check marks and the last histogram are a
    /// window on the samples, so a state rebuilt from a keyframe equals the one played through.
    public static func == (l: Endpoint, r: Endpoint) -> Bool {
        l.id == r.id && l.address == r.address && l.zone == r.zone && l.weight == r.weight && l.tags == r.tags
            && l.metadata == r.metadata && l.supervised == r.supervised && l.state == r.state && l.since == r.since
            && l.load == r.load && l.history == r.history && l.registration == r.registration
            && l.maintenance == r.maintenance && l.owner == r.owner && l.views == r.views
    }

    public init(
        id: String, address: String? = nil, zone: String = "", weight: Int = Endpoint.defaultWeight,
        tags: [String] = [], metadata: [String: String] = [:], supervised: Bool = false,
        state: EndpointState = .unknown, since: Double = 0, registration: Registration? = nil
    ) {
        self.id = id; self.address = address; self.zone = zone; self.weight = weight
        self.tags = tags; self.metadata = metadata; self.supervised = supervised
        self.state = state; self.since = since; self.load = .idle; self.history = []
        self.registration = registration
    }

    /// The other instances that see it otherwise than `state` (sorted by name).
    public var disagreements: [(instance: String, state: EndpointState)] {
        (views ?? [:]).filter { $0.value != state }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The weight the balancer gives it: `Weights.Warning` while a registration's worst check
    /// is warning (as Envoy is fed by Consul), else the operator's weight.
    public var routingWeight: Int {
        guard let registration, registration.status == .warning else { return weight }
        return registration.warningWeight ?? weight
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        zone = try c.decode(String.self, forKey: .zone)
        weight = try c.decode(Int.self, forKey: .weight, in: Endpoint.weightRange)
        tags = try c.decode([String].self, forKey: .tags)
        metadata = try c.decode([String: String].self, forKey: .metadata)
        supervised = try c.decode(Bool.self, forKey: .supervised)
        state = try c.decode(EndpointState.self, forKey: .state)
        since = try c.decode(Double.self, forKey: .since, in: RecordedRange.time)
        load = try c.decode(EndpointLoad.self, forKey: .load)
        history = try c.decode([Float].self, forKey: .history)
        registration = try c.decodeIfPresent(Registration.self, forKey: .registration)
        maintenance = try c.decodeIfPresent(String.self, forKey: .maintenance)
        guard history.count <= Endpoint.historyLength, history.allSatisfy({ RecordedRange.rate.contains(Double($0)) }) else {
            throw DecodingError.dataCorruptedError(forKey: .history, in: c,
                debugDescription: "at most \(Endpoint.historyLength) rates in \(RecordedRange.rate.lowerBound)...\(RecordedRange.rate.upperBound)")
        }
    }

    mutating func record(_ load: EndpointLoad) {
        // The buckets and check marks live in the events (and /metrics' sums); the state keeps
        // only the last window's histogram and the latest marks, beside the load.
        var load = load
        latency = load.latency
        if let marks = load.checks {
            checks.append(contentsOf: marks)
            if checks.count > Endpoint.checkHistoryLength { checks.removeFirst(checks.count - Endpoint.checkHistoryLength) }
        }
        load.latency = nil
        load.checks = nil
        self.load = load
        if history.count == Endpoint.historyLength { history.removeFirst() }
        history.append(Float(load.rps))
    }
}
