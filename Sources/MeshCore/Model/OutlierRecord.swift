/// Where an endpoint stands with passive outlier detection (Envoy's outlier detector terms):
/// failures in a row now, its ejection multiplier n (the next ejection lasts
/// `base_ejection × (n + 1)`, capped), and when a current ejection ends.
/// `{"failures":2,"ejections":1,"until":95.5}`.
public struct OutlierRecord: Codable, Sendable, Equatable {
    public var failures: Int
    public var ejections: Int
    /// Mesh time the current ejection ends; nil when not ejected.
    public var until: Double?

    public init(failures: Int, ejections: Int, until: Double? = nil) {
        self.failures = failures; self.ejections = ejections; self.until = until
    }
}
