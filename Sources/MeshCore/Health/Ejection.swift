/// One passive-outlier ejection, returned by `OutlierDetector.record(slot:success:now:)` when an
/// endpoint is taken out of rotation, with what the `endpoint.state` event needs to explain it.
public struct Ejection: Sendable, Equatable {
    /// The endpoint's slot in its service.
    public var slot: Int32
    /// Which ejection this is for the endpoint (1 for the first; decays while it behaves).
    public var count: Int
    /// How long it stays out: `baseEjection × count`, capped at `maxEjection`.
    public var duration: Double
    /// Mesh time at which it comes back (`OutlierDetector.expire(now:into:)` returns it then).
    public var until: Double
    /// Failures in a row that caused it.
    public var failures: Int

    public init(slot: Int32, count: Int, duration: Double, until: Double, failures: Int) {
        self.slot = slot; self.count = count; self.duration = duration; self.until = until; self.failures = failures
    }
}
