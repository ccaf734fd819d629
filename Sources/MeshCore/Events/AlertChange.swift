/// `alert`: an alert rule started or stopped holding for a subject.
public struct AlertChange: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable, CaseIterable, RecordedName { case firing, resolved }
    public enum Severity: String, Codable, Sendable, CaseIterable, RecordedName { case info, warning, critical }

    public var name: String
    public var severity: Severity
    public var state: Phase
    /// A service name or `SERVICE/ENDPOINT`.
    public var subject: String
    public var value: Double

    public init(name: String, severity: Severity, state: Phase, subject: String, value: Double) {
        self.name = name; self.severity = severity; self.state = state; self.subject = subject; self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        severity = try c.decode(Severity.self, forKey: .severity)
        state = try c.decode(Phase.self, forKey: .state)
        subject = try c.decode(String.self, forKey: .subject)
        value = try c.decode(Double.self, forKey: .value, in: RecordedRange.alertValue)
    }
}
