/// The states an endpoint shows the operator (dashboard, `ctl status`, `/v1/mesh`, recordings). `drained` is what a draining endpoint becomes
/// once its in-flight work is done or `drain_timeout` has passed.
public enum EndpointState: String, Codable, Sendable, CaseIterable, RecordedName {
    case unknown, healthy, unhealthy, ejected, draining, drained, killed

    /// Whether the balancer may send new work here at all (unknown only when nothing is healthy:
    /// that rule is the planner's).
    public var isEligible: Bool { self == .healthy || self == .unknown }

    /// Operator states: health results do not change them, only `restore` does.
    public var isAdministrative: Bool { self == .draining || self == .drained || self == .killed }
}
