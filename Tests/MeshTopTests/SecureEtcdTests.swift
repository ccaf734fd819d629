import Foundation
import MeshTLS
import MeshTestSupport
import Testing

/// The shared mesh through an etcd that wants proof: TLS with client certificates
/// (`--client-cert-auth`) and etcd's user/password auth. Instances that give the right
/// proof share one mesh; one that gives the wrong CA, no certificate or the wrong password
/// stops at start-up with one line saying what etcd refused.
@Suite(.serialized) struct SecureEtcdTests {
    func waitFor(_ seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        poll(for: seconds, every: 0.2, condition)
    }

    /// A folder with a CA, etcd's certificate (for 127.0.0.1) and a client certificate.
    struct PKI {
        let folder: String
        let etcd: CertificateAuthority.IssuedFiles
        let client: CertificateAuthority.IssuedFiles

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("etcd-pki-\(UUID().uuidString)").path
            let ca = try CertificateAuthority.create(in: folder + "/ca")
            etcd = try ca.issue(name: "etcd", into: folder + "/etcd", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            client = try ca.issue(name: "mesh-top", into: folder + "/client")
        }

        var serverFiles: EtcdServer.TLSFiles {
            .init(certificate: etcd.certificate, key: etcd.key, ca: etcd.ca, clientCertificate: client.certificate, clientKey: client.key)
        }
        var arguments: [String] { ["--registry-ca", etcd.ca, "--registry-cert", client.certificate, "--registry-key", client.key] }
    }

    /// `mesh-top run` that must stop at start-up: its stderr (one line expected).
    func refusal(_ arguments: [String], environment: [String: String] = [:]) throws -> Executable.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("refused-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "services:\n  - name: web\n    listen: 127.0.0.1:\(Executable.freePort())\n".write(to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        return try Executable("mesh-top").run(["run", "--config", "m.yaml", "--headless", "--instance", "x"] + arguments, in: dir,
                                              environment: environment)
    }

    func isOneLine(_ text: String) -> Bool { text.hasSuffix("\n") && text.dropLast().allSatisfy { $0 != "\n" } }

    @Test func instancesShareAMeshThroughEtcdOverMutualTLS() throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        let pki = try PKI()
        let etcd = EtcdServer(tls: pki.serverFiles)
        defer { etcd.stop() }
        try etcd.start()
        #expect(etcd.url.hasPrefix("etcds://"))
        let web1 = try NamedBackend("web-1")
        defer { web1.stop() }
        let a = try MeshProcess("a", registry: etcd.url, endpoints: [("web-1", web1.address)], arguments: pki.arguments)
        defer { a.stop() }
        let b = try MeshProcess("b", registry: etcd.url, arguments: pki.arguments)
        defer { b.stop() }
        #expect(waitFor { b.state("web-1") == "healthy" })
        #expect(waitFor { b.ask() == "web-1" })
        #expect(waitFor { Set(a.instances()) == ["a", "b"] })
        // What a wrote is in etcd, read here over TLS with the client certificate.
        #expect(etcd.call("/v3/kv/range", #"{"key":"L21lc2gtdG9wLw==","range_end":"L21lc2gtdG9wMA=="}"#)?.contains("\"kvs\"") == true)

        // Another CA: etcd's certificate is not trusted.
        let other = try CertificateAuthority.create(in: pki.folder + "/other")
        let wrongCA = try refusal(["--registry", etcd.url, "--registry-ca", other.certificateFile,
                                   "--registry-cert", pki.client.certificate, "--registry-key", pki.client.key])
        #expect(wrongCA.status == 1)
        #expect(isOneLine(wrongCA.stderr), "\(wrongCA.stderr)")
        #expect(wrongCA.stderr.contains("TLS handshake failed: certificate verify failed"), "\(wrongCA.stderr)")

        // No client certificate: etcd refuses (under TLS 1.3, once the handshake is done).
        let noCert = try refusal(["--registry", etcd.url, "--registry-ca", pki.etcd.ca])
        #expect(noCert.status == 1)
        #expect(isOneLine(noCert.stderr), "\(noCert.stderr)")
        #expect(noCert.stderr.contains("does it want a client certificate (--registry-cert, --registry-key)?"), "\(noCert.stderr)")

        // A certificate without its key, and TLS files for a plain etcd:// registry.
        let noKey = try refusal(["--registry", etcd.url, "--registry-cert", pki.client.certificate])
        #expect(noKey.status == 1)
        #expect(noKey.stderr == "mesh-top: etcd TLS: \(pki.client.certificate): a client certificate needs its key too (key:)\n", "\(noKey.stderr)")
        let plain = try refusal(["--registry", "etcd://\(etcd.member)", "--registry-ca", pki.etcd.ca])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("are for TLS: write etcds://"), "\(plain.stderr)")
    }

    @Test func etcdsUserAndPasswordAuth() throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        let etcd = EtcdServer()
        defer { etcd.stop() }
        try etcd.start()
        #expect(etcd.enableAuth(password: "s3cret"))
        // Auth is on: a call without a token is refused.
        #expect(etcd.call("/v3/kv/range", #"{"key":"AA=="}"#) == nil)

        let web1 = try NamedBackend("web-1")
        defer { web1.stop() }
        let a = try MeshProcess("a", registry: etcd.url, endpoints: [("web-1", web1.address)], arguments: ["--registry-user", "root"],
                                environment: ["MESH_TOP_ETCD_PASSWORD": "s3cret"])
        defer { a.stop() }
        let passwordFile = a.directory.appendingPathComponent("etcd-password").path
        try "s3cret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let b = try MeshProcess("b", registry: etcd.url, arguments: ["--registry-user", "root", "--registry-password-file", passwordFile])
        defer { b.stop() }
        #expect(waitFor { b.state("web-1") == "healthy" })
        #expect(waitFor { Set(b.instances()) == ["a", "b"] })

        let wrong = try refusal(["--registry", etcd.url, "--registry-user", "root"], environment: ["MESH_TOP_ETCD_PASSWORD": "guess"])
        #expect(wrong.status == 1)
        #expect(isOneLine(wrong.stderr), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("etcd refused user 'root'") && wrong.stderr.contains("authentication failed"), "\(wrong.stderr)")

        let none = try refusal(["--registry", etcd.url])
        #expect(none.status == 1)
        #expect(isOneLine(none.stderr), "\(none.stderr)")
        #expect(none.stderr.contains("etcd has auth enabled; give --registry-user"), "\(none.stderr)")

        let noPassword = try refusal(["--registry", etcd.url, "--registry-user", "root"], environment: ["MESH_TOP_ETCD_PASSWORD": ""])
        #expect(noPassword.status == 1)
    }
}
