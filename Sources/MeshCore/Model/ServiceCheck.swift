/// One Consul check of a registered instance (`Check` / `Checks` of
/// `PUT /v1/agent/service/register`, `agent/structs/check_type.go`): what runs it, Consul's
/// thresholds, and where it stands. `status` and `output` change only through `check` events,
/// so a replay shows them as they were.
public struct ServiceCheck: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable, RecordedName {
        /// Lives on reports (`PUT /v1/agent/check/pass|warn|fail|update/ID`); critical when none
        /// comes for `ttl` seconds.
        case ttl
        /// `GET` of `target` (a URL): 2xx passing, 429 warning, anything else critical.
        case http
        /// A connect to `target` (`host:port`): passing when it succeeds.
        case tcp
    }

    /// `CheckID`: `service:ID` (`service:ID:N` when there are several) unless the registration names it.
    public var id: String
    public var name: String
    public var kind: Kind
    /// HTTP: the URL; TCP: `host:port`; TTL: empty. As registered, for reads.
    public var target: String
    /// Where an HTTP or TCP check connects, and the path (with query) an HTTP check asks for;
    /// read from `target` once, at registration.
    public var host: String
    public var port: Int
    public var path: String
    /// Seconds between runs (HTTP, TCP); 0 for TTL.
    public var interval: Double
    /// Seconds a run may take (HTTP, TCP); 0 for TTL.
    public var timeout: Double
    /// Seconds a TTL report lasts; 0 for HTTP and TCP.
    public var ttl: Double
    public var notes: String
    public var status: CheckStatus
    public var output: String
    /// `DeregisterCriticalServiceAfter`, seconds: the instance is deregistered once this check
    /// has been critical for longer (Consul raises anything under a minute to a minute).
    public var deregisterCriticalAfter: Double?
    /// Consul's `SuccessBeforePassing`, `FailuresBeforeWarning`, `FailuresBeforeCritical`
    /// (`agent/checks/check.go`, `StatusHandler`): results in a row before the status moves.
    public var successBeforePassing: Int
    public var failuresBeforeWarning: Int
    public var failuresBeforeCritical: Int

    public init(id: String, name: String, kind: Kind, target: String = "", host: String = "", port: Int = 0, path: String = "",
                interval: Double = 0, timeout: Double = 0,
                ttl: Double = 0, notes: String = "", status: CheckStatus = .critical, output: String = "",
                deregisterCriticalAfter: Double? = nil, successBeforePassing: Int = 0,
                failuresBeforeWarning: Int = 0, failuresBeforeCritical: Int = 0) {
        self.id = id; self.name = name; self.kind = kind; self.target = target
        self.host = host; self.port = port; self.path = path
        self.interval = interval; self.timeout = timeout; self.ttl = ttl; self.notes = notes
        self.status = status; self.output = output; self.deregisterCriticalAfter = deregisterCriticalAfter
        self.successBeforePassing = successBeforePassing; self.failuresBeforeWarning = failuresBeforeWarning
        self.failuresBeforeCritical = failuresBeforeCritical
    }

    /// As recorded: every number within `RecordedRange` (seconds as mesh time, counts as
    /// requests in flight), ports within 0...65535.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(Kind.self, forKey: .kind)
        target = try c.decode(String.self, forKey: .target)
        host = try c.decode(String.self, forKey: .host)
        port = try c.decode(Int.self, forKey: .port, in: 0...65535)
        path = try c.decode(String.self, forKey: .path)
        interval = try c.decode(Double.self, forKey: .interval, in: RecordedRange.time)
        timeout = try c.decode(Double.self, forKey: .timeout, in: RecordedRange.time)
        ttl = try c.decode(Double.self, forKey: .ttl, in: RecordedRange.time)
        notes = try c.decode(String.self, forKey: .notes)
        status = try c.decode(CheckStatus.self, forKey: .status)
        output = try c.decode(String.self, forKey: .output)
        deregisterCriticalAfter = try c.decodeIfPresent(Double.self, forKey: .deregisterCriticalAfter, in: RecordedRange.time)
        successBeforePassing = try c.decode(Int.self, forKey: .successBeforePassing, in: RecordedRange.active)
        failuresBeforeWarning = try c.decode(Int.self, forKey: .failuresBeforeWarning, in: RecordedRange.active)
        failuresBeforeCritical = try c.decode(Int.self, forKey: .failuresBeforeCritical, in: RecordedRange.active)
    }

    /// The shortest time Consul lets a critical check stand before it deregisters the instance
    /// (`check_deregister_interval_min`, not user-configurable in Consul).
    public static let deregisterMinimum = 60.0
}
