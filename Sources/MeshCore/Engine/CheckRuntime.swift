/// The engine's side of one Consul check: what it needs on every result without a look at
/// the state (Consul's thresholds, TTL, reap delay), the counters of Consul's `StatusHandler`
/// (`agent/checks/check.go`), when a TTL runs out and since when the check has been critical.
struct CheckRuntime {
    var kind: ServiceCheck.Kind
    /// The check's status (the state holds it too, for reads).
    var status: CheckStatus
    /// Whether a run, report or lapsed TTL has set the status (else it is the initial one).
    var heard: Bool
    var ttl: Double
    /// `DeregisterCriticalServiceAfter`, raised to Consul's minute; nil: never.
    var reapAfter: Double?
    var successBeforePassing: Int
    var failuresBeforeWarning: Int
    var failuresBeforeCritical: Int
    var successes = 0
    var failures = 0
    /// TTL checks: when the last report runs out; nil once it has (critical until the next one).
    var ttlUntil: Double?
    /// Since when it has been critical.
    var criticalSince: Double?
    /// When its output last went out in a `check` event.
    var outputAt = -Double.infinity

    init(_ check: ServiceCheck, now: Double) {
        kind = check.kind
        status = check.status
        // A status carried over from an earlier registration of the instance came with what it said.
        heard = !check.output.isEmpty
        ttl = check.ttl
        reapAfter = check.deregisterCriticalAfter.map { max($0, ServiceCheck.deregisterMinimum) }
        successBeforePassing = check.successBeforePassing
        failuresBeforeCritical = check.failuresBeforeCritical
        failuresBeforeWarning = check.failuresBeforeWarning
        ttlUntil = check.kind == .ttl ? now + check.ttl : nil
        criticalSince = check.status == .critical ? now : nil
    }

    /// Consul's `StatusHandler.updateCheck`: the status a run's result moves the check to, if
    /// any. Passing and warning need `successBeforePassing` in a row; a failure turns critical
    /// after `failuresBeforeCritical` in a row, warning after `failuresBeforeWarning`.
    mutating func record(_ result: CheckStatus) -> CheckStatus? {
        if result != .critical {
            successes += 1
            failures = 0
            return successes >= successBeforePassing ? result : nil
        }
        failures += 1
        successes = 0
        if failures >= failuresBeforeCritical { return .critical }
        if failures >= failuresBeforeWarning { return .warning }
        return nil
    }
}
