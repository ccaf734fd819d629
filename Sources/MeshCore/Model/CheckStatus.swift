/// A Consul check's status, in Consul's words (`api/health.go`). Worse is greater:
/// `passing < warning < critical`, so an instance's status is the `max` of its checks'.
///
/// What each means for routing, decided as Consul's own consumers decide it: Consul DNS
/// (unless `only_passing`) and Envoy fed through Consul Connect (`agent/xds/endpoints.go`,
/// `calculateEndpointHealthAndWeight`) keep a `warning` instance in rotation at its
/// `Weights.Warning`, and drop a `critical` one. `?passing` reads leave out both.
public enum CheckStatus: String, Codable, Sendable, CaseIterable, RecordedName, Comparable {
    case passing, warning, critical

    private var severity: Int {
        switch self {
        case .passing: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (a: CheckStatus, b: CheckStatus) -> Bool { a.severity < b.severity }
}
