/// An endpoint as the operator sees it: where it is, how much traffic it should get, and how it is.
///
/// Laid out for a mesh of 100,000: what every endpoint has is inline and narrow (the load's
/// figures, the sparkline's samples inline, a canonical IPv4 address as 6 bytes), and what only
/// some have (a registration, tags, an operator's reason, views, a sample's detail) sits behind
/// one copy-on-write reference, `EndpointDetail`, nil when empty. Every property reads and
/// writes as a plain stored one would; the JSON is the same field for field.
public struct Endpoint: Codable, Sendable, Equatable, Identifiable {
    public static let defaultWeight = 100
    public static let weightRange = 0...10_000
    /// How many load samples the sparkline keeps (a minute at the default 1 s cadence).
    public static let historyLength = Sparkline.capacity
    /// How many active check results the detail pane keeps.
    public static let checkHistoryLength = 24

    public var id: String
    public var zone: String
    /// Mesh time of the last state change.
    public var since: Double
    // The load's figures (`load`); the rest of the load is in `detail`.
    private var rps: Double
    private var p50: Double
    private var p99: Double
    private var errors: Double
    private var detail: EndpointDetail?
    private var packedAddress: PackedAddress
    public var state: EndpointState
    /// Started and killed for real by mesh-top (`command:` in mesh.yaml).
    public var supervised: Bool
    // In `weightRange` and `RecordedRange.active`: 32 bits hold both.
    private var storedWeight: Int32
    private var active: Int32
    /// Recent rps samples, oldest first.
    public var history: Sparkline

    private enum CodingKeys: String, CodingKey {
        case id, address, zone, weight, tags, metadata, supervised, state, since, load, history, registration, maintenance
        case owner, views
    }

    public init(
        id: String, address: String? = nil, zone: String = "", weight: Int = Endpoint.defaultWeight,
        tags: [String] = [], metadata: [String: String] = [:], supervised: Bool = false,
        state: EndpointState = .unknown, since: Double = 0, registration: Registration? = nil
    ) {
        self.id = id; self.zone = zone; self.since = since
        rps = 0; p50 = 0; p99 = 0; errors = 0; active = 0
        packedAddress = PackedAddress(address)
        self.state = state; self.supervised = supervised
        storedWeight = Int32(clamping: weight)
        history = Sparkline()
        self.tags = tags; self.metadata = metadata; self.registration = registration
    }

    // MARK: Properties

    public var address: String? {
        get { packedAddress.string }
        set { packedAddress = PackedAddress(newValue) }
    }

    public var weight: Int {
        get { Int(storedWeight) }
        set { storedWeight = Int32(clamping: newValue) }
    }

    /// The last sample window's load (its histogram and check marks are `latency` and `checks`).
    public var load: EndpointLoad {
        get {
            var load = EndpointLoad(rps: rps, active: Int(active), p50: p50, p99: p99, errors: errors)
            if let detail {
                load.latency = detail.loadLatency; load.balancer = detail.balancer; load.checks = detail.loadChecks
                load.outlier = detail.outlier; load.codes = detail.codes; load.connections = detail.connections
                load.tls = detail.tls
            }
            return load
        }
        set {
            rps = newValue.rps; p50 = newValue.p50; p99 = newValue.p99; errors = newValue.errors
            active = Int32(clamping: newValue.active)
            let kept = detail ?? Self.none
            // Written only when it changes: a write after a snapshot shared the detail copies it.
            guard kept.loadLatency != newValue.latency || kept.balancer != newValue.balancer
                    || kept.loadChecks != newValue.checks || kept.outlier != newValue.outlier || kept.codes != newValue.codes
                    || kept.connections != newValue.connections || kept.tls != newValue.tls else { return }
            let detail = writableDetail()
            detail.loadLatency = newValue.latency; detail.balancer = newValue.balancer
            detail.loadChecks = newValue.checks; detail.outlier = newValue.outlier; detail.codes = newValue.codes
            detail.connections = newValue.connections; detail.tls = newValue.tls
        }
    }

    /// The load's rate, in-flight and latency figures, read in place (`EndpointLoad.total`,
    /// a frame's sort): `load` builds the whole `EndpointLoad`, its detail included.
    public var figures: (rps: Double, active: Int, p50: Double, p99: Double, errors: Double) {
        (rps, Int(active), p50, p99, errors)
    }

    public var tags: [String] {
        get { detail?.tags ?? [] }
        set { if detail != nil || !newValue.isEmpty { writableDetail().tags = newValue } }
    }

    public var metadata: [String: String] {
        get { detail?.metadata ?? [:] }
        set { if detail != nil || !newValue.isEmpty { writableDetail().metadata = newValue } }
    }

    /// Set when the endpoint came from a Consul registration (its checks, its warning weight);
    /// nil for mesh.yaml's and scenarios' endpoints.
    public var registration: Registration? {
        get { detail?.registration }
        set { if detail != nil || newValue != nil { writableDetail().registration = newValue } }
    }

    /// Why an operator took it out of rotation, when they said (Consul's maintenance reason);
    /// cleared by `restore`.
    public var maintenance: String? {
        get { detail?.maintenance }
        set { if detail != nil || newValue != nil { writableDetail().maintenance = newValue } }
    }

    /// In a shared mesh: the instance whose mesh.yaml names it or that took its registration.
    public var owner: String? {
        get { detail?.owner }
        set { if detail != nil || newValue != nil { writableDetail().owner = newValue } }
    }

    /// In a shared mesh: how the other instances see it (instance → state), each by its own
    /// checks; nil when none has said.
    public var views: [String: EndpointState]? {
        get { detail?.views }
        set { if detail != nil || newValue != nil { writableDetail().views = newValue } }
    }

    /// Recent active check results, oldest first. Kept out of keyframes and `/v1/mesh`
    /// (samples refill it), like `latency`.
    public var checks: [CheckMark] {
        get { detail?.checks ?? [] }
        set { if detail != nil || !newValue.isEmpty { writableDetail().checks = newValue } }
    }

    /// The latency histogram of the last sample window, when it had requests.
    public var latency: LatencyWindow? {
        get { detail?.latency }
        set { if detail != nil || newValue != nil { writableDetail().latency = newValue } }
    }

    private static let none = EndpointDetail()

    private mutating func writableDetail() -> EndpointDetail {
        if detail == nil {
            detail = EndpointDetail()
        } else if !isKnownUniquelyReferenced(&detail) {
            detail = detail?.copy()
        }
        return detail!
    }

    /// Equal when what a keyframe carries is: the check marks and the last histogram are a
    /// window on the samples, so a state rebuilt from a keyframe equals the one played through.
    public static func == (l: Endpoint, r: Endpoint) -> Bool {
        l.id == r.id && l.packedAddress == r.packedAddress && l.zone == r.zone && l.storedWeight == r.storedWeight
            && l.supervised == r.supervised && l.state == r.state && l.since == r.since
            && l.rps == r.rps && l.active == r.active && l.p50 == r.p50 && l.p99 == r.p99 && l.errors == r.errors
            && l.history == r.history && (l.detail === r.detail || (l.detail ?? none).sameKept(as: r.detail ?? none))
    }

    /// The other instances that see it otherwise than `state` (sorted by name).
    public var disagreements: [(instance: String, state: EndpointState)] {
        (views ?? [:]).filter { $0.value != state }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The weight the balancer gives it: `Weights.Warning` while a registration's worst check
    /// is warning (as Envoy is fed by Consul), else the operator's weight.
    public var routingWeight: Int {
        guard let registration = detail?.registration, registration.status == .warning else { return weight }
        return registration.warningWeight ?? weight
    }

    // MARK: Coding

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decode(String.self, forKey: .id)
        let address = try c.decodeIfPresent(String.self, forKey: .address)
        let zone = try c.decode(String.self, forKey: .zone)
        let weight = try c.decode(Int.self, forKey: .weight, in: Endpoint.weightRange)
        let tags = try c.decode([String].self, forKey: .tags)
        let metadata = try c.decode([String: String].self, forKey: .metadata)
        let supervised = try c.decode(Bool.self, forKey: .supervised)
        let state = try c.decode(EndpointState.self, forKey: .state)
        let since = try c.decode(Double.self, forKey: .since, in: RecordedRange.time)
        let load = try c.decode(EndpointLoad.self, forKey: .load)
        let history = try c.decode([Float].self, forKey: .history)
        let registration = try c.decodeIfPresent(Registration.self, forKey: .registration)
        let maintenance = try c.decodeIfPresent(String.self, forKey: .maintenance)
        guard history.count <= Endpoint.historyLength, history.allSatisfy({ RecordedRange.rate.contains(Double($0)) }) else {
            throw DecodingError.dataCorruptedError(forKey: .history, in: c,
                debugDescription: "at most \(Endpoint.historyLength) rates in \(RecordedRange.rate.lowerBound)...\(RecordedRange.rate.upperBound)")
        }
        self.init(id: id, address: address, zone: zone, weight: weight, tags: tags, metadata: metadata, supervised: supervised,
                  state: state, since: since, registration: registration)
        self.load = load
        self.history = Sparkline(history)
        self.maintenance = maintenance
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(address, forKey: .address)
        try c.encode(zone, forKey: .zone)
        try c.encode(weight, forKey: .weight)
        try c.encode(tags, forKey: .tags)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(supervised, forKey: .supervised)
        try c.encode(state, forKey: .state)
        try c.encode(since, forKey: .since)
        try c.encode(load, forKey: .load)
        try c.encode(history, forKey: .history)
        try c.encodeIfPresent(registration, forKey: .registration)
        try c.encodeIfPresent(maintenance, forKey: .maintenance)
        try c.encodeIfPresent(owner, forKey: .owner)
        try c.encodeIfPresent(views, forKey: .views)
    }

    mutating func record(_ load: EndpointLoad) {
        // The buckets and check marks live in the events (and /metrics' sums); the state keeps
        // only the last window's histogram and the latest marks, beside the load.
        var load = load
        latency = load.latency
        if let marks = load.checks, !marks.isEmpty {
            let detail = writableDetail()
            detail.checks.append(contentsOf: marks)
            let excess = detail.checks.count - Endpoint.checkHistoryLength
            if excess > 0 { detail.checks.removeFirst(excess) }
        }
        load.latency = nil
        load.checks = nil
        self.load = load
        history.append(Float(load.rps))
    }
}
