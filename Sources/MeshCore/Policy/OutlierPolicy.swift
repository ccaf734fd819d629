/// Passive outlier detection (the `outlier:` block): eject endpoints whose real traffic fails.
public struct OutlierPolicy: Sendable, Equatable, Codable {
    public var consecutiveFailures: Int
    /// First ejection lasts this long; the n-th lasts `baseEjection × n`, up to `maxEjection`.
    public var baseEjection: Double
    public var maxEjection: Double
    /// Never eject more than this percent of a service's endpoints.
    public var maxEjectionPercent: Double

    public init(consecutiveFailures: Int = 5, baseEjection: Double = 30, maxEjection: Double = 300,
                maxEjectionPercent: Double = 50) {
        self.consecutiveFailures = consecutiveFailures; self.baseEjection = baseEjection
        self.maxEjection = maxEjection; self.maxEjectionPercent = maxEjectionPercent
    }
}
