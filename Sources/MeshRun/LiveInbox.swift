import MeshCore
import MeshProbe
import NIOConcurrencyHelpers

/// What the event loops report to the control thread between two of its steps: check results,
/// request outcomes that matter to outlier detection, and processes that died. Appends are
/// rare (failures, check results), so one lock is enough; the request path only touches it
/// when a request fails or the first one succeeds after a failure.
final class LiveInbox: Sendable {
    struct Check: Sendable { var service: Int; var slot: Int32; var passed: Bool; var detail: String?; var latency: Double = 0 }
    struct Outcome: Sendable { var service: Int; var slot: Int32; var success: Bool }

    private struct Posted {
        var checks: [Check] = []
        var outcomes: [Outcome] = []
        var exits: [(EndpointRef, Int32)] = []
        var consulChecks: [HealthCheckResult] = []
        var shared: [SharedChange] = []
        var checkerLoad: HealthCheckerLoad?
        var handshakeFailures: [HandshakeFailureReport] = []
    }

    /// A failed TLS handshake: with an endpoint (`slot`), or with a client of the listener (nil).
    struct HandshakeFailureReport: Sendable { var service: Int; var slot: Int32?; var reason: String }

    func postHandshakeFailure(service: Int, slot: Int32?, reason: String) {
        posted.withLockedValue { $0.handshakeFailures.append(HandshakeFailureReport(service: service, slot: slot, reason: reason)) }
    }

    func takeHandshakeFailures() -> [HandshakeFailureReport] {
        posted.withLockedValue { p in
            defer { p.handshakeFailures.removeAll() }
            return p.handshakeFailures
        }
    }

    private let posted = NIOLockedValueBox(Posted())

    func post(_ check: Check) { posted.withLockedValue { $0.checks.append(check) } }
    func post(_ outcome: Outcome) { posted.withLockedValue { $0.outcomes.append(outcome) } }
    /// A run of a Consul registration's HTTP or TCP check.
    func postConsulCheck(_ result: HealthCheckResult) { posted.withLockedValue { $0.consulChecks.append(result) } }
    func postExit(_ ref: EndpointRef, status: Int32) { posted.withLockedValue { $0.exits.append((ref, status)) } }
    /// What the shared mesh changed (other instances' registrations, words, views; etcd's news).
    func postShared(_ changes: [SharedChange]) { if !changes.isEmpty { posted.withLockedValue { $0.shared += changes } } }

    /// The health checker's latest answer to `load()`.
    func postCheckerLoad(_ load: HealthCheckerLoad) { posted.withLockedValue { $0.checkerLoad = load } }

    func takeCheckerLoad() -> HealthCheckerLoad? {
        posted.withLockedValue { p in
            defer { p.checkerLoad = nil }
            return p.checkerLoad
        }
    }

    /// Everything posted since the last call.
    func take() -> (checks: [Check], outcomes: [Outcome], exits: [(EndpointRef, Int32)]) {
        posted.withLockedValue { p in
            defer { p.checks.removeAll(keepingCapacity: true); p.outcomes.removeAll(keepingCapacity: true); p.exits.removeAll() }
            return (p.checks, p.outcomes, p.exits)
        }
    }

    func takeConsulChecks() -> [HealthCheckResult] {
        posted.withLockedValue { p in
            defer { p.consulChecks.removeAll(keepingCapacity: true) }
            return p.consulChecks
        }
    }

    /// The shared mesh's changes since the last call, in order.
    func takeShared() -> [SharedChange] {
        posted.withLockedValue { p in
            defer { p.shared.removeAll() }
            return p.shared
        }
    }
}
