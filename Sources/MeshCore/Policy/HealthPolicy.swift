/// How a service's endpoints are actively checked (the `health:` block).
public struct HealthPolicy: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable, RecordedName { case http, tcp, none }

    public var kind: Kind
    public var path: String
    public var interval: Double
    public var timeout: Double
    /// Passes in a row that make an unhealthy endpoint healthy again.
    public var healthyThreshold: Int
    /// Failures in a row that make an endpoint unhealthy.
    public var unhealthyThreshold: Int

    public init(kind: Kind = .http, path: String = "/health", interval: Double = 1, timeout: Double = 0.5,
                healthyThreshold: Int = 2, unhealthyThreshold: Int = 3) {
        self.kind = kind; self.path = path; self.interval = interval; self.timeout = timeout
        self.healthyThreshold = healthyThreshold; self.unhealthyThreshold = unhealthyThreshold
    }
}
