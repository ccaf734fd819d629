/// The engine's working set for one service: its policy, endpoint slots and detectors.
struct ServiceRuntime {
    var name: String
    var policy: ServicePolicy
    /// Indexed by slot; nil where an endpoint was deregistered (slots are never renumbered).
    var slots: [EndpointRuntime?]
    /// The Consul checks of the slots registered with some, in the registration's order; a
    /// slot without is judged by `health:`.
    var checks: [Int32: [CheckRuntime]] = [:]
    /// Slots by endpoint ID, the IDs read from the state (`MeshEngine.slot(_:of:)`).
    var slotTable = SlotTable()
    var outlier: OutlierDetector?
    var plan: TrafficPlan?
    /// What `plan` was made from, so that one endpoint's change patches it (`TrafficPlanner.patch`).
    var basis: TrafficPlanner.Basis?
    /// Slots of deregistered endpoints, in order: the state lists endpoints in slot order, so an
    /// endpoint's index there is its slot less the removed slots below it.
    var removed: [Int32] = []
    /// Each zone's share of the traffic as the last failover event told it (or as first planned).
    var announcedShares: [String: Double]?
    /// When slow start next changes the weights, or warming ends.
    var replanAt: Double?
    /// The first round of checks lasts until then (one interval and a timeout after start):
    /// see `TrafficPlanner`'s warming.
    var warmUntil = -Double.infinity

    init(name: String, policy: ServicePolicy) {
        self.name = name
        self.policy = policy
        slots = []
        outlier = policy.outlier.map { OutlierDetector(policy: $0) }
    }
}
