/// What active checks say about an endpoint so far. Operator states (drain, kill) and outlier
/// ejection are kept elsewhere and override this when the engine decides the endpoint's state.
public enum HealthStatus: String, Sendable, Codable, CaseIterable, RecordedName {
    /// No check has decided yet (just registered, or restored).
    case unknown
    case healthy
    case unhealthy

    /// The endpoint state this status shows as, when nothing overrides it.
    public var endpointState: EndpointState {
        switch self {
        case .unknown: .unknown
        case .healthy: .healthy
        case .unhealthy: .unhealthy
        }
    }
}
