/// Rise/fall of one endpoint under active checks (`healthy_threshold` / `unhealthy_threshold`).
///
/// A value with no clock and no I/O: the checker feeds it each result and publishes what it
/// returns. Rules:
/// - the first pass makes an `unknown` endpoint healthy at once, so a fresh mesh serves quickly;
/// - `unhealthyThreshold` failures in a row make it unhealthy, from `unknown` or `healthy`;
/// - once unhealthy it needs `healthyThreshold` passes in a row to be healthy again.
/// Thresholds below 1 act as 1.
public struct HealthTracker: Sendable, Equatable {
    // Kept per endpoint, so kept narrow: the policy's two thresholds (at most
    // `ConfigLimits`' 1,000) rather than the policy, counts that stop at UInt32.max.
    private var healthyThreshold: UInt16
    private var unhealthyThreshold: UInt16
    private var passes: UInt32 = 0
    private var failures: UInt32 = 0
    /// What the checks say now.
    public private(set) var status: HealthStatus

    public init(policy: HealthPolicy, status: HealthStatus = .unknown) {
        healthyThreshold = UInt16(clamping: max(1, policy.healthyThreshold))
        unhealthyThreshold = UInt16(clamping: max(1, policy.unhealthyThreshold))
        self.status = status
    }

    /// Passes in a row so far (0 after a failure). Kept across a flip, for the event's reason.
    public var consecutivePasses: Int { Int(passes) }
    /// Failures in a row so far (0 after a pass). Kept across a flip, for the event's reason.
    public var consecutiveFailures: Int { Int(failures) }

    /// Takes one check result; returns the new status only when it flips.
    public mutating func record(passed: Bool) -> HealthVerdict? {
        if passed {
            passes = passes &+ (passes == .max ? 0 : 1)
            failures = 0
            switch status {
            case .healthy:
                return nil
            case .unknown:
                status = .healthy
                return .healthy
            case .unhealthy:
                guard passes >= healthyThreshold else { return nil }
                status = .healthy
                return .healthy
            }
        } else {
            failures = failures &+ (failures == .max ? 0 : 1)
            passes = 0
            guard status != .unhealthy, failures >= unhealthyThreshold else { return nil }
            status = .unhealthy
            return .unhealthy
        }
    }

    /// Back to `unknown` with no history: for `restore`, when a killed or drained endpoint
    /// returns and its old results say nothing about the new process.
    public mutating func reset() {
        status = .unknown
        passes = 0
        failures = 0
    }
}
