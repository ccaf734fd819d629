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
            return checksVerdict ?? health.status.endpointState
        }
    }

    /// What its Consul checks say, standing in for `health`: the worst one critical is
    /// unhealthy, warning or passing healthy. A check critical only by Consul's initial status,
    /// never run or reported yet, is "not checked yet": `unknown`, as for a new endpoint, so
    /// that a registration does not count against the service (panic, failover) before its
    /// checks have spoken. nil without Consul checks.
    var checksVerdict: EndpointState? {
        guard let worst = checks.lazy.map(\.status).max() else { return nil }
        if worst != .critical { return .healthy }
        return checks.contains { $0.status == .critical && $0.heard } ? .unhealthy : .unknown
    }
}
