import Foundation
import MeshCore
import MeshProbe

/// What the event loops report to the control thread between two of its steps: check results,
/// request outcomes that matter to outlier detection, and processes that died. Appends are
/// rare (failures, check results), so one lock is enough; the request path only touches it
/// when a request fails or the first one succeeds after a failure.
final class LiveInbox: @unchecked Sendable {
    struct Check { var service: Int; var slot: Int32; var passed: Bool; var detail: String?; var latency: Double = 0 }
    struct Outcome { var service: Int; var slot: Int32; var success: Bool }

    private let lock = NSLock()
    private var checks: [Check] = []
    private var outcomes: [Outcome] = []
    private var exits: [(EndpointRef, Int32)] = []
    private var consulChecks: [HealthCheckResult] = []
    private var shared: [SharedChange] = []
    private var handshakeFailures: [HandshakeFailureReport] = []

    /// A failed TLS handshake: with an endpoint (`slot`), or with a client of the listener (nil).
    struct HandshakeFailureReport { var service: Int; var slot: Int32?; var reason: String }

    func postHandshakeFailure(service: Int, slot: Int32?, reason: String) {
        lock.withLock { handshakeFailures.append(HandshakeFailureReport(service: service, slot: slot, reason: reason)) }
    }

    func takeHandshakeFailures() -> [HandshakeFailureReport] {
        lock.withLock {
            defer { handshakeFailures.removeAll() }
            return handshakeFailures
        }
    }

    func post(_ check: Check) { lock.withLock { checks.append(check) } }
    func post(_ outcome: Outcome) { lock.withLock { outcomes.append(outcome) } }
    /// A run of a Consul registration's HTTP or TCP check.
    func postConsulCheck(_ result: HealthCheckResult) { lock.withLock { consulChecks.append(result) } }
    func postExit(_ ref: EndpointRef, status: Int32) { lock.withLock { exits.append((ref, status)) } }
    /// What the shared mesh changed (other instances' registrations, words, views; etcd's news).
    func postShared(_ changes: [SharedChange]) { if !changes.isEmpty { lock.withLock { shared += changes } } }

    /// Everything posted since the last call.
    func take() -> (checks: [Check], outcomes: [Outcome], exits: [(EndpointRef, Int32)]) {
        lock.withLock {
            defer { checks.removeAll(keepingCapacity: true); outcomes.removeAll(keepingCapacity: true); exits.removeAll() }
            return (checks, outcomes, exits)
        }
    }

    func takeConsulChecks() -> [HealthCheckResult] {
        lock.withLock {
            defer { consulChecks.removeAll(keepingCapacity: true) }
            return consulChecks
        }
    }

    /// The shared mesh's changes since the last call, in order.
    func takeShared() -> [SharedChange] {
        lock.withLock {
            defer { shared.removeAll() }
            return shared
        }
    }
}
