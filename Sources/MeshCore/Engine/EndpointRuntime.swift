/// What the engine knows about an endpoint beyond what it shows: the health tracker's counters,
/// the operator's hold on it, and its ejection. The shown state is derived from these.
///
/// One per endpoint, so packed (48 bytes): the hold and the ejection keep their times in plain
/// doubles beside a one-byte kind, the health tracker keeps the policy's thresholds only, the
/// endpoint's ID is the state's (`MeshEngine.id(_:_:)`), and the Consul checks of the few
/// endpoints that have them are the service's (`ServiceRuntime.checks`), with their verdict
/// kept here (an empty array per endpoint cost 8 bytes).
struct EndpointRuntime {
    enum Hold: Equatable { case none, draining(since: Double), drained, killed }

    var key: UInt64
    /// When it last became able to take traffic, for slow start.
    var eligibleSince: Double = 0
    /// `ejectedUntil`, NaN when not ejected.
    private var ejection = Double.nan
    /// `hold`'s time, for a drain.
    private var holdSince = 0.0
    var health: HealthTracker
    /// `hold`: 0 none, 1 draining, 2 drained, 3 killed.
    private var holdKind: UInt8 = 0
    /// What its registration's Consul checks say (`verdict(of:)`), standing in for `health`;
    /// nil without Consul checks.
    var checksVerdict: EndpointState?

    init(service: String, endpoint: String, health policy: HealthPolicy) {
        key = StableHash.hash("\(service)/\(endpoint)")
        health = HealthTracker(policy: policy)
    }

    var hold: Hold {
        get {
            switch holdKind {
            case 1: .draining(since: holdSince)
            case 2: .drained
            case 3: .killed
            default: .none
            }
        }
        set {
            switch newValue {
            case .none: holdKind = 0
            case .draining(let since): holdKind = 1; holdSince = since
            case .drained: holdKind = 2
            case .killed: holdKind = 3
            }
        }
    }

    /// Whether an operator holds it (drain, kill): read without building `hold`.
    var isHeld: Bool { holdKind != 0 }

    var ejectedUntil: Double? {
        get { ejection.isNaN ? nil : ejection }
        set { ejection = newValue ?? .nan }
    }

    /// The state the operator sees: an operator's hold wins over an ejection, which wins over health.
    var shownState: EndpointState {
        switch hold {
        case .draining: return .draining
        case .drained: return .drained
        case .killed: return .killed
        case .none:
            if ejectedUntil != nil { return .ejected }
            return checksVerdict ?? health.status.endpointState
        }
    }

    /// What Consul checks say, standing in for `health`: the worst one critical is
    /// unhealthy, warning or passing healthy. A check critical only by Consul's initial status,
    /// never run or reported yet, is "not checked yet": `unknown`, as for a new endpoint, so
    /// that a registration does not count against the service (panic, failover) before its
    /// checks have spoken. nil without Consul checks.
    static func verdict(of checks: [CheckRuntime]) -> EndpointState? {
        guard let worst = checks.lazy.map(\.status).max() else { return nil }
        if worst != .critical { return .healthy }
        return checks.contains { $0.status == .critical && $0.heard } ? .unhealthy : .unknown
    }
}
