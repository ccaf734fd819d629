/// One active health check's result: when, whether it passed, and how long the answer took
/// (the timeout when none came). Samples carry the window's marks; the state keeps the latest
/// `Endpoint.checkHistoryLength` for the detail pane. `{"t":12.5,"passed":true,"latency":0.021}`.
public struct CheckMark: Codable, Sendable, Equatable {
    /// Mesh time of the result, seconds.
    public var t: Double
    public var passed: Bool
    /// Seconds.
    public var latency: Double

    public init(t: Double, passed: Bool, latency: Double) {
        self.t = t; self.passed = passed; self.latency = latency
    }
}
