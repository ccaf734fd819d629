import Foundation
import MeshConfig
import MeshCore
import MeshSession
import MeshTLS
import MeshTestSupport
import Testing
@testable import MeshRun

/// `mesh-top run` with TLS, in-process on real sockets: a supervised Python `ssl` endpoint
/// that requires client certificates, certificate files that go wrong at start-up and on reload.
@Suite struct LiveTLSTests {
    static let echo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tls_echo.py").path

    /// tls: auto end to end: mesh-top issues the listener's certificate, its own client
    /// certificate and the endpoint's (handed over in MESH_TOP_TLS_*); the endpoint requires a
    /// client certificate from the CA, its checks pass over mutual TLS, and a curl with a
    /// certificate from the same CA gets through, its identity forwarded.
    @Test func supervisedEndpointWithTLSAutoIsReachedOverVerifiedMutualTLS() async throws {
        guard Tools.available("curl", "python3") else { return }
        let scratch = try Scratch()
        let listen = Loopback.freePort(in: 30_000...32_000), backend = Loopback.freePort(in: 30_000...32_000)
        let command = "python3 \(Self.echo) --port \(backend) --cert \"$MESH_TOP_TLS_CERT\" --key \"$MESH_TOP_TLS_KEY\" --client-ca \"$MESH_TOP_TLS_CA\""
        let yaml = """
            admin: 127.0.0.1:\(Loopback.freePort(in: 30_000...32_000))
            services:
              - name: web
                listen: 127.0.0.1:\(listen)
                tls: auto
                health: {type: http, path: /, interval: 300ms, timeout: 2s, healthy_threshold: 1}
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(backend), command: '\(command)'}
            """
        // The CA is mesh-top-ca/ beside the config: the Scratch's own.
        try FileManager.default.moveItem(atPath: scratch.ca.folder, toPath: scratch.path + "/mesh-top-ca")
        let config = try MeshConfig.parse(yaml: yaml, file: scratch.path + "/mesh.yaml")
        let client = try CertificateAuthority.load(from: scratch.path + "/mesh-top-ca")
            .issue(name: "client", into: scratch.path + "/client", dnsNames: [], ipAddresses: [])
        let live = try LiveMesh(config: config, name: "tls", threads: 1, logDirectory: URL(fileURLWithPath: scratch.path + "/logs"),
                                onEvent: { _ in })
        let session = SessionRunner(playback: live, speed: 1, stopAtEnd: false).start()
        defer {
            session.submit(.stop, reply: nil)
            session.waitUntilStopped()
            live.shutdown()
        }
        let ref = EndpointRef(service: "web", endpoint: "web-1")
        let healthy = try await poll { session.snapshot().state.endpoint(ref)?.state == .healthy }
        #expect(healthy, "\(String(describing: try? String(contentsOf: live.supervisor.logFile(ref), encoding: .utf8)))")
        let answer = try await blocking {
            try Tools.run("curl", ["-sS", "--cacert", client.ca, "--cert", client.certificate, "--key", client.key,
                                   "https://localhost:\(listen)/"])
        }
        #expect(answer.status == 0, "\(answer.output)")
        let body = try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any] ?? [:]
        // The endpoint saw mesh-top's own certificate; mesh-top forwarded curl's identity.
        #expect(body["peer"] as? [String] == ["spiffe://mesh-top.local/ns/default/sa/mesh-top"], "\(answer.output)")
        let xfcc = (body["headers"] as? [String: String])?["x-forwarded-client-cert"] ?? ""
        #expect(xfcc.hasPrefix("By=spiffe://mesh-top.local/ns/default/sa/web;") && xfcc.contains("URI=spiffe://mesh-top.local/ns/default/sa/client"), "\(xfcc)")
        // The dashboard's view: verified mutual TLS, the endpoint's SPIFFE ID.
        let seen = try await poll { session.snapshot().state.endpoint(ref)?.load.tls?.peer != nil }
        let tls = session.snapshot().state.endpoint(ref)?.load.tls
        #expect(seen && tls?.mode == .mutual && tls?.peer == "spiffe://mesh-top.local/ns/default/sa/web", "\(String(describing: tls))")
        // Without a client certificate curl is refused, and that is an event naming the listener.
        let refused = try await blocking { try Tools.run("curl", ["-sS", "--cacert", client.ca, "https://localhost:\(listen)/"]) }
        #expect(refused.status != 0)
        let event = try await poll {
            session.snapshot().state.log.contains { if case .fault(let f) = $0.body { f.action == "tls" } else { false } }
        }
        #expect(event)
    }

    /// Each broken file at start-up: one line naming the service and the file.
    @Test func badFilesAtStartUpAreOneLineNamingTheFile() throws {
        let scratch = try Scratch()
        let web = try scratch.issue("web"), api = try scratch.issue("api")
        let old = try scratch.ca.issue(name: "old", into: scratch.path + "/old", lifetime: 86_400,
                                       now: Date().addingTimeInterval(-2 * 86_400))
        func startUp(_ tls: String) -> String {
            let yaml = "services:\n  - name: web\n    listen: 127.0.0.1:1\n    tls: \(tls)\n    endpoints: [{id: w, address: 127.0.0.1:2}]\n"
            do {
                let config = try MeshConfig.parse(yaml: yaml, file: scratch.path + "/mesh.yaml")
                _ = try LiveTLS(config: config, directory: scratch.path + "/issued")
                return "started"
            } catch {
                return "\(error)"
            }
        }
        #expect(startUp("{cert: \(web.certificate), key: nope.key}") == "service web: \(scratch.path)/nope.key: no such file")
        #expect(startUp("{cert: \(web.certificate), key: \(api.key)}")
                == "service web: \(api.key): is not the private key of the certificate in \(web.certificate)")
        #expect(startUp("{cert: \(old.certificate), key: \(old.key)}").hasPrefix("service web: \(old.certificate): the certificate expired on "))
        // A wrong CA: a server certificate where the CA that signs clients belongs.
        #expect(startUp("{cert: \(web.certificate), key: \(web.key), client_ca: \(api.certificate)}")
                == "service web: \(api.certificate): holds a certificate that is not a CA (CN=api,O=mesh-top): give the CA that issued it")
        #expect(startUp("{cert: \(web.certificate), key: \(web.key), client_ca: \(web.ca)}") == "started")
    }

    /// A reload that fails keeps the certificate in use and says why, once; a good one is taken.
    @Test func aFailedReloadKeepsTheOldCertificateAndSaysWhy() throws {
        let scratch = try Scratch()
        let web = try scratch.issue("web"), api = try scratch.issue("api")
        let yaml = "services:\n  - name: web\n    listen: 127.0.0.1:1\n    tls: {cert: \(web.certificate), key: \(web.key)}\n    endpoints: [{id: w, address: 127.0.0.1:2}]\n"
        let tls = try LiveTLS(config: try MeshConfig.parse(yaml: yaml, file: scratch.path + "/mesh.yaml"), directory: scratch.path + "/issued")
        let first = try #require(tls.services[0].server)
        var lines: [String] = []
        var now = Date().addingTimeInterval(LiveTLS.checkInterval)
        func check() -> [LiveTLS.Change] {
            now += LiveTLS.checkInterval
            return tls.check(now: now) { service, line in lines.append("\(service): \(line)") }
        }
        #expect(check().isEmpty && lines.isEmpty)
        // api's certificate over web's: web's key no longer matches.
        try FileManager.default.removeItem(atPath: web.certificate)
        try FileManager.default.copyItem(atPath: api.certificate, toPath: web.certificate)
        #expect(check().isEmpty)
        #expect(lines == ["web: listener certificate not reloaded, the old one stays: \(web.key): is not the private key of the certificate in \(web.certificate)"])
        #expect(tls.services[0].server === first)
        #expect(check().isEmpty && lines.count == 1, "a refused file set is reported once: \(lines)")
        // The matching key arrives: the new certificate is taken.
        try FileManager.default.removeItem(atPath: web.key)
        try FileManager.default.copyItem(atPath: api.key, toPath: web.key)
        let changes = check()
        #expect(changes.count == 1 && changes.first?.server?.identity.uris == ["spiffe://mesh-top.local/ns/default/sa/api"])
        #expect(lines.last == "web: listener certificate reloaded from \(web.certificate)")
    }
}

/// Polls `condition` every 50 ms for up to a minute (a loaded machine is slow).
func poll(_ condition: @escaping @Sendable () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try condition()
}
