/// `panic`: a service fell below (or came back above) its panic threshold.
public struct PanicChange: Codable, Sendable, Equatable {
    public var service: String
    public var active: Bool
    /// Percent of endpoints healthy when it happened.
    public var healthy: Double

    public init(service: String, active: Bool, healthy: Double) {
        self.service = service; self.active = active; self.healthy = healthy
    }
}
