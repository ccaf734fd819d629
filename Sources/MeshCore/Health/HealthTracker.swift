/// Rise/fall of one endpoint under active checks (`healthy_threshold` / `unhealthy_threshold`).
///
/// A value with no clock and no I/O: the checker feeds it each result and publishes what it
/// returns. Rules:
/// - the first pass makes an `unknown` endpoint healthy at once, so a fresh mesh serves quickly;
/// - `unhealthyThreshold` failures in a row make it unhealthy, from `unknown` or `healthy`;
/// - once unhealthy it needs `healthyThreshold` passes in a row to be healthy again.
/// Thresholds below 1 act as 1.
public struct HealthTracker: Sendable, Equatable {
    /// Thresholds come from here; the interval and timeout are the checker's business.
    public var policy: HealthPolicy
    /// What the checks say now.
    public private(set) var status: HealthStatus
    /// Passes in a row so far (0 after a failure). Kept across a flip, for the event's reason.
    public private(set) var consecutivePasses: Int
    /// Failures in a row so far (0 after a pass). Kept across a flip, for the event's reason.
    public private(set) var consecutiveFailures: Int

    public init(policy: HealthPolicy, status: HealthStatus = .unknown) {
        self.policy = policy
        self.status = status
        consecutivePasses = 0
        consecutiveFailures = 0
    }

    /// Takes one check result; returns the new status only when it flips.
    public mutating func record(passed: Bool) -> HealthVerdict? {
        if passed {
            consecutivePasses += 1
            consecutiveFailures = 0
            switch status {
            case .healthy:
                return nil
            case .unknown:
                status = .healthy
                return .healthy
            case .unhealthy:
                guard consecutivePasses >= max(1, policy.healthyThreshold) else { return nil }
                status = .healthy
                return .healthy
            }
        } else {
            consecutiveFailures += 1
            consecutivePasses = 0
            guard status != .unhealthy, consecutiveFailures >= max(1, policy.unhealthyThreshold) else { return nil }
            status = .unhealthy
            return .unhealthy
        }
    }

    /// Back to `unknown` with no history: for `restore`, when a killed or drained endpoint
    /// returns and its old results say nothing about the new process.
    public mutating func reset() {
        status = .unknown
        consecutivePasses = 0
        consecutiveFailures = 0
    }
}
