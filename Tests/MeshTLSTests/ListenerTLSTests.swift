import Foundation
import MeshProxy
import MeshTLS
import Testing

/// TLS listeners against real clients: curl and `openssl s_client`, in front of a plain
/// Python endpoint that echoes the headers it got.
@Suite struct ListenerTLSTests {
    /// Good CA: the request goes through; a client's own X-Forwarded-Client-Cert never does.
    @Test func curlWithTheRightCAGetsThrough() async throws {
        guard Tools.available("curl", "python3") else { return }
        let scratch = try Scratch()
        let web = try scratch.issue("web")
        let endpoint = try EchoEndpoint()
        let proxy = try await TLSProxy(endpoints: [endpoint.port], server: try ServerTLS.load(.init(certificate: web.certificate, key: web.key)))
        let url = "https://localhost:\(proxy.port)/"
        let good = try await blocking { try Tools.run("curl", ["-sS", "--cacert", web.ca, "-H", "X-Forwarded-Client-Cert: By=forged", url]) }
        #expect(good.status == 0, "\(good.output)")
        let headers = try Self.headers(good.output)
        #expect(headers["x-forwarded-for"] == "127.0.0.1")
        #expect(headers["x-forwarded-client-cert"] == nil, "a client's XFCC is sanitized: \(good.output)")
        // Wrong CA: curl refuses the certificate.
        let other = try Scratch()
        let otherCA = other.ca.certificateFile
        let wrong = try await blocking { try Tools.run("curl", ["-sS", "--cacert", otherCA, url]) }
        #expect(wrong.status == 60, "\(wrong.output)")
        // Wrong SNI / host name: the certificate names localhost and 127.0.0.1 only.
        let sni = try await blocking {
            try Tools.run("curl", ["-sS", "--cacert", web.ca, "--resolve", "wrong.example:\(proxy.port):127.0.0.1",
                                   "https://wrong.example:\(proxy.port)/"])
        }
        #expect(sni.status == 60 && sni.output.contains("wrong.example"), "\(sni.output)")
        await proxy.stop()
    }

    /// client_ca: only clients with a certificate from that CA get in, and the endpoint learns
    /// who they are in X-Forwarded-Client-Cert; the others fail the handshake, each reported.
    @Test func mutualTLSRequiresAClientCertificateAndForwardsItsIdentity() async throws {
        guard Tools.available("curl", "openssl", "python3") else { return }
        let scratch = try Scratch()
        let web = try scratch.issue("web"), client = try scratch.issue("client")
        let endpoint = try EchoEndpoint()
        let server = try ServerTLS.load(.init(certificate: web.certificate, key: web.key, clientCA: web.ca))
        let log = scratch.path + "/access.log"
        let proxy = try await TLSProxy(endpoints: [endpoint.port], server: server, accessLog: log)
        let url = "https://localhost:\(proxy.port)/"
        let good = try await blocking {
            try Tools.run("curl", ["-sS", "--cacert", web.ca, "--cert", client.certificate, "--key", client.key,
                                   "-H", "X-Forwarded-Client-Cert: By=forged", url])
        }
        #expect(good.status == 0, "\(good.output)")
        let xfcc = try Self.headers(good.output)["x-forwarded-client-cert"] ?? ""
        let hash = try await blocking {
            try Tools.run("sh", ["-c", "openssl x509 -in \(client.certificate) -outform der | sha256sum | cut -d' ' -f1"])
        }.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(xfcc == "By=spiffe://mesh-top.local/ns/default/sa/web;Hash=\(hash);Subject=\"CN=client,O=mesh-top\";"
                + "URI=spiffe://mesh-top.local/ns/default/sa/client;DNS=localhost")
        // The access log names the client by its certificate (Envoy's DOWNSTREAM_PEER_URI_SAN).
        let lines = try await Self.waitFor(1) {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        let entry = try JSONSerialization.jsonObject(with: Data((lines.first ?? "{}").utf8)) as? [String: Any]
        #expect(entry?["downstream_peer_uri_san"] as? String == "spiffe://mesh-top.local/ns/default/sa/client", "\(lines)")
        // No client certificate.
        let none = try await blocking { try Tools.run("curl", ["-sS", "--cacert", web.ca, url]) }
        #expect(none.status != 0)
        // A client certificate from another CA.
        let other = try Scratch()
        let stranger = try other.issue("stranger")
        let strange = try await blocking {
            try Tools.run("openssl", ["s_client", "-connect", "127.0.0.1:\(proxy.port)", "-CAfile", web.ca,
                                      "-cert", stranger.certificate, "-key", stranger.key, "-ign_eof"], stdin: "GET / HTTP/1.0\r\n\r\n")
        }
        #expect(!strange.output.contains("HTTP/1.0 200") && !strange.output.contains("HTTP/1.1 200"), "\(strange.output)")
        // An expired client certificate from the right CA.
        let old = try scratch.ca.issue(name: "old", into: scratch.path + "/old", lifetime: 86_400,
                                       now: Date().addingTimeInterval(-2 * 86_400))
        let expired = try await blocking {
            try Tools.run("curl", ["-sS", "--cacert", web.ca, "--cert", old.certificate, "--key", old.key, url])
        }
        #expect(expired.status != 0, "\(expired.output)")
        let reasons = try await Self.waitFor(3) { proxy.failureReasons }
        #expect(reasons.contains("peer did not return a certificate"), "\(reasons)")
        #expect(reasons.contains { $0.contains("certificate verify failed") || $0.contains("unknown ca") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("expired") || $0.contains("verify failed") }, "\(reasons)")
        await proxy.stop()
    }

    /// min_version: 1.3 refuses a TLS 1.2 client; the default refuses TLS 1.1.
    @Test func minimumVersionIsEnforced() async throws {
        guard Tools.available("openssl", "python3") else { return }
        let scratch = try Scratch()
        let web = try scratch.issue("web")
        let endpoint = try EchoEndpoint()
        let strict = try await TLSProxy(endpoints: [endpoint.port],
                                        server: try ServerTLS.load(.init(certificate: web.certificate, key: web.key, minimumVersion: .tls13)))
        let twelve = try await blocking {
            try Tools.run("openssl", ["s_client", "-connect", "127.0.0.1:\(strict.port)", "-tls1_2", "-CAfile", web.ca], stdin: "")
        }
        #expect(twelve.output.contains("alert protocol version") || twelve.status != 0, "\(twelve.output)")
        let thirteen = try await blocking {
            try Tools.run("openssl", ["s_client", "-connect", "127.0.0.1:\(strict.port)", "-tls1_3", "-CAfile", web.ca,
                                      "-verify_return_error", "-ign_eof"], stdin: "GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        }
        #expect(thirteen.output.contains(" 200 OK") && thirteen.output.contains("\"x-forwarded-for\""), "\(thirteen.output)")
        await strict.stop()
    }

    /// A TCP listener terminates TLS too and relays the plaintext.
    @Test func tcpListenerTerminatesTLS() async throws {
        guard Tools.available("curl", "python3") else { return }
        let scratch = try Scratch()
        let web = try scratch.issue("web")
        let endpoint = try EchoEndpoint()
        let proxy = try await TLSProxy(endpoints: [endpoint.port], mode: .tcp,
                                       server: try ServerTLS.load(.init(certificate: web.certificate, key: web.key)))
        let answer = try await blocking { try Tools.run("curl", ["-sS", "--cacert", web.ca, "https://localhost:\(proxy.port)/"]) }
        let headers = try Self.headers(answer.output)
        #expect(answer.status == 0 && headers["host"] == "localhost:\(proxy.port)", "\(answer.output)")
        await proxy.stop()
    }

    static func headers(_ json: String) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?["headers"] as? [String: String] ?? [:]
    }

    /// Polls `read` until it has `count` items (a loaded machine may be slow), at most a minute.
    static func waitFor<T: Sendable>(_ count: Int, _ read: @escaping @Sendable () -> [T]) async throws -> [T] {
        let deadline = Date().addingTimeInterval(60)
        while read().count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return read()
    }
}

/// Runs a blocking call (a child process) off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
