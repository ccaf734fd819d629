/// The range of every number and duration mesh.yaml and scenarios may hold (durations in
/// seconds), checked where each is read. `docs/limits.md` is the same table for users.
///
/// Timeouts stop at a day and intervals at an hour (far inside the 292 years a signed 64-bit
/// count of nanoseconds, SwiftNIO's `TimeAmount`, can hold, so no sum or conversion traps);
/// minimums and sizes keep the work a check or a simulated request asks for within what the
/// prober and the simulator can do.
public enum ConfigLimits {
    // MARK: Service policy (mesh.yaml and scenarios)

    public static let healthInterval: ClosedRange<Double> = 0.01...3600
    public static let healthTimeout: ClosedRange<Double> = 0.001...3600
    public static let threshold = 1...1000
    public static let connectTimeout: ClosedRange<Double> = 0.001...3600
    public static let requestTimeout: ClosedRange<Double> = 0.001...86_400
    public static let retries = 0...10
    public static let slowStart: ClosedRange<Double> = 0...3600
    public static let drainTimeout: ClosedRange<Double> = 0...86_400
    public static let ejection: ClosedRange<Double> = 0.001...86_400

    // MARK: Sizes

    public static let services = 1000
    /// Endpoints of one file, listed or registered by its timeline.
    public static let endpoints = 10_000
    public static let alerts = 100
    public static let notifyTargets = 10

    // MARK: Scenarios

    /// A timeline step's `at:`, a spike's `at:`.
    public static let meshTime: ClosedRange<Double> = 0...(30 * 86_400)
    /// A scenario's `duration:` (and `--duration`), a spike's `length:`.
    public static let scenarioDuration: ClosedRange<Double> = 0.001...(30 * 86_400)
    /// An endpoint's `latency:` percentiles.
    public static let latency: ClosedRange<Double> = 0...3600
    /// A timeline `latency` step's `add:`.
    public static let addedLatency: ClosedRange<Double> = 0.001...3600
    public static let capacity: ClosedRange<Double> = 0.001...1_000_000_000
    /// Requests per second of one `traffic:` entry at its peak, and of all of them together:
    /// the simulator answers about five million a second on one core (`simulate` in Benchmarks/).
    public static let rps: ClosedRange<Double> = 0...1_000_000
    public static let sinePeriod: ClosedRange<Double> = 0.1...86_400
    public static let seed = 0...Int.max

    // MARK: Alerts

    public static let alertHold: ClosedRange<Double> = 0...86_400
    public static let alertWindow: ClosedRange<Double> = 0.001...86_400
}
