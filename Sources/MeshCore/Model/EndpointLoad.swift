/// One endpoint's load over the last sample window. Latencies in seconds.
public struct EndpointLoad: Codable, Sendable, Equatable {
    public var rps: Double
    public var active: Int
    public var p50: Double
    public var p99: Double
    /// Failed requests per second.
    public var errors: Double

    public init(rps: Double = 0, active: Int = 0, p50: Double = 0, p99: Double = 0, errors: Double = 0) {
        self.rps = rps; self.active = active; self.p50 = p50; self.p99 = p99; self.errors = errors
    }

    public static let idle = EndpointLoad()
}
