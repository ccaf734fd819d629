import Foundation
import MeshProxy
import MeshTLS
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// upstream_tls against Python `ssl` endpoints that require client certificates: the identity
/// mesh-top expects is checked, the certificate it presents is the one the endpoint sees, and
/// every failed handshake is reported with its endpoint's slot.
@Suite struct UpstreamTLSTests {
    @Test func mutualTLSToAnEndpointChecksItsIdentity() async throws {
        guard Tools.available("curl", "python3") else { return }
        let scratch = try Scratch()
        let web = try scratch.issue("web"), api = try scratch.issue("api"), me = try scratch.issue("mesh-top")
        let good = try EchoEndpoint(cert: web.certificate, key: web.key, clientCA: web.ca)
        let client = try ClientTLS.load(.init(ca: web.ca, certificate: me.certificate, key: me.key,
                                              expectedNames: ["spiffe://mesh-top.local/ns/default/sa/web"]))
        let proxy = try await TLSProxy(endpoints: [good.port], client: client)
        let answer = try await blocking { try Tools.run("curl", ["-sS", "http://127.0.0.1:\(proxy.port)/"]) }
        let body = try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any]
        #expect(body?["peer"] as? [String] == ["spiffe://mesh-top.local/ns/default/sa/mesh-top"], "\(answer.output)")
        let peers = try await proxy.proxy.peerIdentities().get()
        #expect(peers[0]?.uris == ["spiffe://mesh-top.local/ns/default/sa/web"])
        await proxy.stop()

        // An endpoint that proves another identity is refused, and reported with its slot.
        let impostor = try EchoEndpoint(cert: api.certificate, key: api.key, clientCA: api.ca)
        let strict = try await TLSProxy(endpoints: [impostor.port], client: client)
        let refused = try await blocking {
            try Tools.run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(strict.port)/"])
        }
        #expect(refused.output.hasPrefix("5"), "\(refused.output)")
        let failures = try await ListenerTLSTests.waitFor(1) { strict.failures.withLockedValue { $0 } }
        #expect(failures.first?.0 == 0, "\(failures)")
        #expect(failures.first?.1.contains("not spiffe://mesh-top.local/ns/default/sa/web") == true, "\(failures)")
        await strict.stop()

        // No client certificate for an endpoint that requires one: the handshake fails.
        let anonymous = try ClientTLS.load(.init(ca: web.ca))
        let bare = try await TLSProxy(endpoints: [good.port], client: anonymous)
        let denied = try await blocking {
            try Tools.run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(bare.port)/"])
        }
        #expect(denied.output.hasPrefix("5"), "\(denied.output)")
        let reasons = try await ListenerTLSTests.waitFor(1) { bare.failureReasons }
        #expect(!reasons.isEmpty, "\(reasons)")
        await bare.stop()
    }
}
