import Yams
import MeshCore

/// Reads the routing, checking and failover keys a service has in mesh.yaml and scenarios alike.
enum PolicyReader {
    static let keys = ["balancer", "hash_on", "health", "outlier", "panic_threshold", "slow_start",
                       "drain_timeout", "retries", "timeouts", "zones"]

    /// - Parameter defaultCheck: the health check type when `health.type` is not given.
    static func policy(_ map: FieldMap, defaultCheck: HealthPolicy.Kind, http: Bool = true) throws(ConfigError) -> ServicePolicy {
        var policy = ServicePolicy()
        if let f = map["balancer"] {
            let name = try f.string()
            guard let kind = BalancerKind(rawValue: name) else {
                let all = BalancerKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw f.error("unknown balancer '\(name)' (expected \(all))")
            }
            policy.balancer = kind
        }
        if let f = map["hash_on"] {
            let text = try f.string()
            guard let hashOn = HashOn(text) else {
                throw f.error("bad hash_on '\(text)' (expected header:NAME, client-ip or path)")
            }
            // Kept even for balancers that do not hash: the documented mesh.yaml example pairs it with p2c-ewma
            // (`SpecExampleTests`).
            if case .header = hashOn, !http { throw f.error("hash_on \(text) needs protocol http") }
            if hashOn == .path, !http { throw f.error("hash_on path needs protocol http") }
            policy.hashOn = hashOn
        } else if policy.balancer.isHashing {
            policy.hashOn = .clientIP
        }
        policy.health = try health(map["health"], defaultCheck: defaultCheck)
        if let f = map.fields["outlier"] { policy.outlier = try outlier(f) }
        if let f = map["panic_threshold"] { policy.panicThreshold = try f.percent() }
        if let f = map["slow_start"] {
            let seconds = try f.duration(in: ConfigLimits.slowStart)
            policy.slowStart = seconds > 0 ? seconds : nil
        }
        if let f = map["drain_timeout"] { policy.drainTimeout = try f.duration(in: ConfigLimits.drainTimeout) }
        if let f = map["retries"] { policy.retries = try f.int(in: ConfigLimits.retries, "retries") }
        if let f = map["timeouts"] {
            let t = try f.object(["connect", "request"])
            if let c = t["connect"] { policy.connectTimeout = try c.duration(in: ConfigLimits.connectTimeout) }
            if let r = t["request"] { policy.requestTimeout = try r.duration(in: ConfigLimits.requestTimeout) }
        }
        if let f = map["zones"] {
            var zones: [String] = []
            for item in try f.list() {
                let zone = try item.name()
                guard !zones.contains(zone) else { throw item.error("zone '\(zone)' is listed twice") }
                zones.append(zone)
            }
            policy.zones = zones
        }
        return policy
    }

    static func health(_ field: Field?, defaultCheck: HealthPolicy.Kind) throws(ConfigError) -> HealthPolicy {
        var health = HealthPolicy(kind: defaultCheck)
        guard let field else { return health }
        let map = try field.object(["type", "path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold"])
        if let f = map["type"] {
            let name = try f.string()
            guard let kind = HealthPolicy.Kind(rawValue: name) else {
                throw f.error("unknown health check type '\(name)' (expected http, tcp or none)")
            }
            health.kind = kind
        }
        if let f = map["path"] {
            let path = try f.text()
            guard path.hasPrefix("/") else { throw f.error("path '\(path)' must start with /") }
            guard health.kind == .http else { throw f.error("path is only used by http checks, not \(health.kind.rawValue)") }
            health.path = path
        }
        if let f = map["interval"] { health.interval = try f.duration(in: ConfigLimits.healthInterval) }
        if let f = map["timeout"] { health.timeout = try f.duration(in: ConfigLimits.healthTimeout) }
        if let f = map["healthy_threshold"] { health.healthyThreshold = try threshold(f) }
        if let f = map["unhealthy_threshold"] { health.unhealthyThreshold = try threshold(f) }
        return health
    }

    /// `outlier:` absent means detection with its defaults; `outlier: false` or `null` turns it off.
    static func outlier(_ field: Field) throws(ConfigError) -> OutlierPolicy? {
        if field.isNull { return nil }
        if case .scalar = field.node {
            guard try field.bool() == false else { return OutlierPolicy() }
            return nil
        }
        var outlier = OutlierPolicy()
        let map = try field.object(["consecutive_failures", "base_ejection", "max_ejection", "max_ejection_percent"])
        if let f = map["consecutive_failures"] { outlier.consecutiveFailures = try threshold(f) }
        if let f = map["base_ejection"] { outlier.baseEjection = try f.duration(in: ConfigLimits.ejection) }
        if let f = map["max_ejection"] {
            outlier.maxEjection = try f.duration(in: ConfigLimits.ejection)
            guard outlier.maxEjection >= outlier.baseEjection else {
                throw f.error("max_ejection \(MeshDuration.format(outlier.maxEjection)) is shorter than base_ejection \(MeshDuration.format(outlier.baseEjection))")
            }
        }
        if let f = map["max_ejection_percent"] { outlier.maxEjectionPercent = try f.percent() }
        return outlier
    }

    private static func threshold(_ f: Field) throws(ConfigError) -> Int {
        try f.int(in: ConfigLimits.threshold, "threshold")
    }
}
