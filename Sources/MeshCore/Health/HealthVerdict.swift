/// A flip of an endpoint's active-check status, returned by `HealthTracker.record(passed:)`
/// only when the status actually changes, so the engine emits one `endpoint.state` per flip.
public enum HealthVerdict: String, Sendable, Codable, CaseIterable, RecordedName {
    case healthy
    case unhealthy

    /// The status the endpoint now has.
    public var status: HealthStatus {
        switch self {
        case .healthy: .healthy
        case .unhealthy: .unhealthy
        }
    }

    /// The endpoint state to publish, when no operator state or ejection overrides it.
    public var endpointState: EndpointState { status.endpointState }
}
