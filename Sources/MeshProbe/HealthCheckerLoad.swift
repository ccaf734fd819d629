/// How far the health checker keeps up with its schedule (summed over its event loops): the
/// checker's own "am I behind" metric, to read as Prometheus counters and gauges.
///
/// Only checks that open a connection are counted: every TCP check, and an HTTP check without a
/// kept-alive connection. Those are what a loop admits a bounded number of at a time; checks on a
/// kept-alive connection start on schedule.
public struct HealthCheckerLoad: Sendable, Equatable {
    /// Checks that have started connecting since the checker started (counter).
    public var connectsStarted = 0
    /// Of those, checks that started more than half their interval (at least 100 ms) after they
    /// were due: the checker was behind (counter).
    public var lateChecks = 0
    /// Checks due now and waiting for a place to connect (gauge).
    public var waiting = 0
    /// Seconds between the latest check's due time and its start (gauge; the worst over the loops).
    public var lag = 0.0

    public init() {}

    /// Behind now: checks are waiting, or the latest one started late by more than 100 ms.
    public var isBehind: Bool { waiting > 0 || lag > 0.1 }

    static func + (a: Self, b: Self) -> Self {
        var sum = a
        sum.connectsStarted += b.connectsStarted
        sum.lateChecks += b.lateChecks
        sum.waiting += b.waiting
        sum.lag = max(a.lag, b.lag)
        return sum
    }
}
