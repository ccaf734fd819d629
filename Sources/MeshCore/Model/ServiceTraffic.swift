/// A service's traffic as its clients saw it over the last sample window (see `ServiceSample`).
/// Per second; `rps` counts requests, not attempts, so retries do not inflate it.
public struct ServiceTraffic: Codable, Sendable, Equatable {
    public var rps: Double
    public var retries: Double
    public var errors: Double

    public init(rps: Double = 0, retries: Double = 0, errors: Double = 0) {
        self.rps = rps; self.retries = retries; self.errors = errors
    }
}
