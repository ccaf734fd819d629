/// `panic`: a service fell below (or came back above) its panic threshold.
public struct PanicChange: Codable, Sendable, Equatable {
    public var service: String
    public var active: Bool
    /// Percent of endpoints healthy when it happened.
    public var healthy: Double

    public init(service: String, active: Bool, healthy: Double) {
        self.service = service; self.active = active; self.healthy = healthy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        service = try c.decode(String.self, forKey: .service)
        active = try c.decode(Bool.self, forKey: .active)
        healthy = try c.decode(Double.self, forKey: .healthy, in: RecordedRange.percent)
    }
}
