/// Everything about how a service routes, checks and fails over, from mesh.yaml or a scenario.
public struct ServicePolicy: Sendable, Equatable, Codable {
    public var balancer: BalancerKind
    public var hashOn: HashOn?
    public var health: HealthPolicy
    /// nil: no passive outlier detection.
    public var outlier: OutlierPolicy?
    /// Percent healthy under which every endpoint is used.
    public var panicThreshold: Double
    /// Linear ramp of a new or returning endpoint's weight; nil: none.
    public var slowStart: Double?
    public var drainTimeout: Double
    public var retries: Int
    public var connectTimeout: Double
    public var requestTimeout: Double
    /// Locality preference order.
    public var zones: [String]

    public init(balancer: BalancerKind = .roundRobin, hashOn: HashOn? = nil, health: HealthPolicy = HealthPolicy(),
                outlier: OutlierPolicy? = OutlierPolicy(), panicThreshold: Double = 50, slowStart: Double? = nil,
                drainTimeout: Double = 30, retries: Int = 2, connectTimeout: Double = 1, requestTimeout: Double = 15,
                zones: [String] = []) {
        self.balancer = balancer; self.hashOn = hashOn; self.health = health; self.outlier = outlier
        self.panicThreshold = panicThreshold; self.slowStart = slowStart; self.drainTimeout = drainTimeout
        self.retries = retries; self.connectTimeout = connectTimeout; self.requestTimeout = requestTimeout
        self.zones = zones
    }
}
