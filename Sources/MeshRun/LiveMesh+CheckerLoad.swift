import Foundation
import Logging
import MeshCore
public import MeshProbe
public import NIOCore

/// The health checker's own load where operators see it: `/metrics` asks for it at each scrape,
/// and the events say once when the checker falls behind its schedule and once when it catches
/// up (as HAProxy logs a check that could not start in time, rather than each late one).
extension LiveMesh {
    /// Asks the checker, from any thread, how far it keeps up.
    public var healthCheckerLoad: @Sendable () -> EventLoopFuture<HealthCheckerLoad> {
        let checker: HealthChecker = checker
        return { checker.load() }
    }

    /// Once a sample: acts on the load the checker reported since the last one, and asks again
    /// (the answer comes from its loops, so the control thread never waits for a busy one).
    func watchCheckerLoad(now: Double) {
        if let load = inbox.takeCheckerLoad(), load.isBehind != checkerBehind {
            checkerBehind = load.isBehind
            let lag = String(format: "%.2f", load.lag)
            let detail = load.isBehind
                ? "behind its schedule: \(load.waiting) checks waiting, lag \(lag) s, \(load.lateChecks) late so far"
                : "caught up: lag \(lag) s, \(load.lateChecks) late so far"
            if load.isBehind { logger.warning("health checker \(detail)") } else { logger.notice("health checker \(detail)") }
            carryOut(engine.recordFault(Fault(action: "checks", target: "health-checker", detail: detail), now: now))
        }
        let inbox = self.inbox
        checker.load().whenSuccess { inbox.postCheckerLoad($0) }
    }
}
