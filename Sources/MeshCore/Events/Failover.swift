/// `failover`: a service's traffic moved from one zone to another (or back).
public struct Failover: Codable, Sendable, Equatable {
    public var service: String
    public var from: String
    public var to: String
    public var reason: String

    public init(service: String, from: String, to: String, reason: String) {
        self.service = service; self.from = from; self.to = to; self.reason = reason
    }
}
