import Foundation
@testable import MeshAdmin
import MeshTLS
import NIOCore
import Testing

/// The admin API over HTTPS against curl: the CA's clients get in, with a client certificate
/// when the API asks for one; plain HTTP and strangers do not.
@Suite struct AdminHTTPSTests {
    @Test func servesHTTPSAndAsksForClientCertificatesWithAClientCA() throws {
        guard Self.curlAvailable() else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("admin-tls-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ca = try CertificateAuthority.create(in: folder + "/ca")
        let admin = try ca.issue(name: "admin", into: folder + "/certs", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        let ops = try ca.issue(name: "ops", into: folder + "/certs")

        let https = try AdminServer.start(AdminAPI(session: FakeSession(), journal: EventJournal(), token: "t"), host: "127.0.0.1", port: 0,
                                          tls: ServerTLS.load(.init(certificate: admin.certificate, key: admin.key)))
        defer { https.stop() }
        let port = try #require(https.localAddress?.port)
        let ok = try Self.curl(["--cacert", admin.ca, "https://localhost:\(port)/healthz"])
        #expect(ok.status == 0 && ok.output.contains("\"ok\""), "\(ok.output)")
        // The token still guards what changes the mesh.
        let denied = try Self.curl(["--cacert", admin.ca, "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                    "https://localhost:\(port)/v1/endpoints/web/w1/drain"])
        #expect(denied.output == "401", "\(denied.output)")
        let plain = try Self.curl(["http://127.0.0.1:\(port)/healthz"])
        #expect(plain.status != 0, "plain HTTP on an HTTPS port: \(plain.output)")

        let mutual = try AdminServer.start(AdminAPI(session: FakeSession(), journal: EventJournal(), token: nil), host: "127.0.0.1", port: 0,
                                           tls: ServerTLS.load(.init(certificate: admin.certificate, key: admin.key, clientCA: admin.ca)))
        defer { mutual.stop() }
        let mport = try #require(mutual.localAddress?.port)
        let anonymous = try Self.curl(["--cacert", admin.ca, "https://localhost:\(mport)/healthz"])
        #expect(anonymous.status != 0, "\(anonymous.output)")
        let known = try Self.curl(["--cacert", admin.ca, "--cert", ops.certificate, "--key", ops.key, "https://localhost:\(mport)/healthz"])
        #expect(known.status == 0 && known.output.contains("\"ok\""), "\(known.output)")
    }

    static func curlAvailable() -> Bool {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("curl not installed; CI must have it") }
        print("skipped: curl not installed (apt-get install -y curl)")
        return false
    }

    static func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "60"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
