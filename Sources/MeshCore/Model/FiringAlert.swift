/// An alert holding now: shown in the header, `/v1/alerts` and `/metrics`.
public struct FiringAlert: Codable, Sendable, Equatable {
    public var name: String
    public var severity: AlertChange.Severity
    public var subject: String
    public var since: Double
    public var value: Double

    public init(name: String, severity: AlertChange.Severity, subject: String, since: Double, value: Double) {
        self.name = name; self.severity = severity; self.subject = subject; self.since = since; self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        severity = try c.decode(AlertChange.Severity.self, forKey: .severity)
        subject = try c.decode(String.self, forKey: .subject)
        since = try c.decode(Double.self, forKey: .since, in: RecordedRange.time)
        value = try c.decode(Double.self, forKey: .value, in: RecordedRange.alertValue)
    }
}
