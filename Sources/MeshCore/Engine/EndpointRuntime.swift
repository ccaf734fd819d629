/// What the engine knows about an endpoint beyond what it shows: the health tracker's counters,
/// the operator's hold on it, and its ejection. The shown state is derived from these.
struct EndpointRuntime {
    enum Hold: Equatable { case none, draining(since: Double), drained, killed }

    var id: String
    var key: UInt64
    var health: HealthTracker
    var hold: Hold = .none
    var ejectedUntil: Double?
    /// When it last became able to take traffic, for slow start.
    var eligibleSince: Double = 0
    /// Its registration's Consul checks, in the registration's order; empty: `health` judges it.
    var checks: [CheckRuntime] = []
    /// The worst status of those checks, standing in for `health` (critical is unhealthy,
    /// warning and passing healthy); nil without Consul checks.
    var checkStatus: CheckStatus?

    init(service: String, endpoint: String, health policy: HealthPolicy) {
        id = endpoint
        key = StableHash.hash("\(service)/\(endpoint)")
        health = HealthTracker(policy: policy)
    }

    /// The state the operator sees: an operator's hold wins over an ejection, which wins over health.
    var shownState: EndpointState {
        switch hold {
        case .draining: return .draining
        case .drained: return .drained
        case .killed: return .killed
        case .none:
            if ejectedUntil != nil { return .ejected }
            if let checkStatus { return checkStatus == .critical ? .unhealthy : .healthy }
            return health.status.endpointState
        }
    }
}
