import Foundation
import MeshConfig
import MeshCore
import MeshProbe
import MeshProxy
import MeshTLS

// MARK: TLS: reloads, renewals, handshake failures

extension LiveMesh {
    /// A handshake-failure event per endpoint (or listener) at most this often (seconds); the
    /// ones in between are counted into the next.
    static let handshakeReportInterval = 10.0

    /// Applies reloaded or renewed certificates to listeners, upstreams and checks, and turns
    /// handshake failures into `fault` events (`tls`), rate-limited per endpoint.
    func applyTLS(now: Double) {
        for failure in inbox.takeHandshakeFailures() {
            let subject: String
            if let slot = failure.slot, let ref = engine.ref(service: failure.service, slot: slot) {
                subject = ref.description
            } else {
                subject = failure.service < config.services.count ? config.services[failure.service].name : "?"
            }
            let who = failure.slot == nil ? "a client of \(subject)" : subject
            var entry = handshakeReports[subject] ?? (at: -.infinity, unreported: 0)
            entry.unreported += 1
            if now - entry.at >= Self.handshakeReportInterval {
                let more = entry.unreported > 1 ? " (\(entry.unreported) failures since the last report)" : ""
                carryOut(engine.recordFault(Fault(action: "tls", target: subject, detail: "TLS handshake with \(who) failed: \(failure.reason)\(more)"),
                                            now: now))
                entry = (at: now, unreported: 0)
            }
            handshakeReports[subject] = entry
        }
        let changes = tls.check { service, line in
            carryOut(engine.recordFault(Fault(action: "tls", target: service, detail: line), now: now))
        }
        for change in changes {
            guard change.service < proxies.count else { continue }
            if let server = change.server { proxies[change.service]?.setServerTLS(server) }
            if let client = change.client {
                proxies[change.service]?.setUpstreamTLS(client)
                for var target in checkTargets where target.service == change.service {
                    target.tls = client
                    checker.add(target)
                }
            }
        }
    }

    /// What the sample says of an endpoint's TLS: nil for plain. `managed`: the built-in CA
    /// issues and renews the endpoint's certificate.
    static func endpointTLS(client: ClientTLS?, peer: PeerIdentity?, failures: UInt64, managed: Bool) -> EndpointTLS? {
        guard let client else { return nil }
        return EndpointTLS(mode: client.verifies && client.presentsCertificate ? .mutual : .tls,
                           peer: peer?.name, expiresInDays: peer?.daysToExpiry(),
                           handshakeFailures: Int(clamping: failures), managed: managed ? true : nil)
    }
}
