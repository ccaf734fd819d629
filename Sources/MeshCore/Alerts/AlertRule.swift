/// One entry of `alerts:`: what to watch, on which subjects, for how long, and how bad it is.
public struct AlertRule: Sendable, Equatable {
    /// Which services or endpoints a rule watches: `service: "*"`, `endpoint: "web/*"`.
    public enum Selector: Sendable, Equatable, CustomStringConvertible {
        /// A service name pattern; `*` matches any run of characters.
        case service(String)
        /// A `SERVICE/ENDPOINT` pattern; `*` alone matches every endpoint.
        case endpoint(String)

        /// Whether the service (or `SERVICE/ENDPOINT`) named `subject` is watched.
        public func matches(_ subject: String) -> Bool {
            switch self {
            case .service(let pattern): Glob.matches(pattern, subject)
            case .endpoint(let pattern): pattern == "*" || Glob.matches(pattern, subject)
            }
        }

        public var description: String {
            switch self {
            case .service(let p): "service \(p)"
            case .endpoint(let p): "endpoint \(p)"
            }
        }
    }

    public var name: String
    public var selector: Selector
    public var condition: AlertCondition
    /// Seconds the condition must hold before the alert fires (0: at once).
    public var holdFor: Double
    /// The counting window of `state_changes`; nil for other conditions.
    public var within: Double?
    public var severity: AlertChange.Severity

    public init(name: String, selector: Selector, condition: AlertCondition, holdFor: Double = 0,
                within: Double? = nil, severity: AlertChange.Severity) {
        self.name = name; self.selector = selector; self.condition = condition
        self.holdFor = holdFor; self.within = within; self.severity = severity
    }

    /// The alerts in force when a file has no `alerts:` section (README "Alerts").
    public static let defaults: [AlertRule] = [
        AlertRule(name: "low-success", selector: .service("*"), condition: .threshold(.successRate, .less, 99),
                  holdFor: 30, severity: .critical),
        AlertRule(name: "slow", selector: .service("*"), condition: .threshold(.p99, .greater, 0.5),
                  holdFor: 60, severity: .warning),
        AlertRule(name: "flapping", selector: .endpoint("*"), condition: .threshold(.stateChanges, .greater, 4),
                  within: 60, severity: .warning),
        AlertRule(name: "failover", selector: .service("*"), condition: .failoverActive, severity: .warning),
        AlertRule(name: "panic", selector: .service("*"), condition: .panic, severity: .critical),
        AlertRule(name: "cert-expiry", selector: .endpoint("*"),
                  condition: .threshold(.certExpiryDays, .less, Double(EndpointTLS.expiryWarningDays)), severity: .warning),
    ]
}
