/// Who receives a service's traffic, and why: what `TrafficPlanner` computes. The engine
/// publishes `hosts` to the balancer and compares successive plans to emit `failover` events
/// (`primaryZone` or the zone shares change) and `panic` events (`panic` flips).
public struct TrafficPlan: Sendable, Equatable, CustomStringConvertible {
    /// One zone's health and the share of the traffic it takes.
    public struct Zone: Sendable, Equatable {
        public var name: String
        /// Fraction of the service's traffic sent here (0 when unused); shares sum to 1.
        public var share: Double
        /// Endpoints that count as healthy here (unknown ones stand in when nothing is healthy).
        public var healthy: Int
        /// Endpoints the percentage is taken over (see `TrafficPlanner`).
        public var total: Int

        public init(name: String, share: Double, healthy: Int, total: Int) {
            self.name = name; self.share = share; self.healthy = healthy; self.total = total
        }

        /// 0 when the zone has no endpoint that counts.
        public var healthyPercent: Double { total == 0 ? 0 : Double(healthy) * 100 / Double(total) }

        /// Below 100/1.4 ≈ 71.4% healthy (or empty) a zone can no longer take all of its traffic.
        public var isDegraded: Bool {
            total == 0 || healthy * TrafficPlanner.overprovisioningPercent < total * 100
        }
    }

    /// What the balancer may pick from: one group per zone in use, or one group in panic or
    /// when zones play no part.
    public var hosts: HostSet
    /// Too few healthy endpoints: every routable endpoint takes traffic, zones ignored.
    public var panic: Bool
    /// Percent of the service's counted endpoints that are healthy.
    public var healthyPercent: Double
    /// Every zone in preference order (listed zones, then unlisted ones by name); empty when
    /// the service has no zone preference.
    public var zones: [Zone]
    /// The first zone taking traffic; nil in panic, when nothing takes traffic, or without zones.
    public var primaryZone: String?
    /// When slow-start weights next change enough to plan again; nil when no weight is ramping.
    public var nextChange: Double?

    public init(hosts: HostSet, panic: Bool, healthyPercent: Double, zones: [Zone], primaryZone: String?,
                nextChange: Double?) {
        self.hosts = hosts; self.panic = panic; self.healthyPercent = healthyPercent; self.zones = zones
        self.primaryZone = primaryZone; self.nextChange = nextChange
    }

    /// The zone traffic should go to when all is well.
    public var preferredZone: String? { zones.first?.name }

    /// The preferred zone no longer takes the traffic (another zone does, or panic spreads it).
    public var isFailedOver: Bool { !zones.isEmpty && !hosts.isEmpty && (panic || primaryZone != preferredZone) }

    /// More than one zone takes traffic outside panic: the primary zone is spilling over.
    public var isSpilling: Bool { !panic && hosts.groups.count > 1 }

    /// `a 70% · b 30%`, `panic: 25% healthy`, for event reasons and logs.
    public var description: String {
        if panic { return "panic: \(Self.percent(healthyPercent)) healthy" }
        if hosts.isEmpty { return "no endpoint available" }
        if zones.isEmpty { return "\(Self.percent(healthyPercent)) healthy" }
        return zones.filter { $0.share > 0 }.map { "\($0.name) \(Self.percent($0.share * 100))" }.joined(separator: " · ")
    }

    private static func percent(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))%" : "\(rounded)%"
    }
}
