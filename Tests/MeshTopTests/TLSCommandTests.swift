import Foundation
import MeshTestSupport
import Testing

/// TLS as an operator meets it on the command line: `mesh-top ca init/issue`, alerts posted to
/// a webhook behind TLS that wants a client certificate, `ctl` against an admin API on HTTPS.
@Suite struct TLSCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A scratch folder with a CA (`mesh-top ca init`) and certificates issued by `mesh-top ca issue`.
    func caFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let mesh = try Executable("mesh-top")
        let initCA = try mesh.run(["ca", "init"], in: dir)
        #expect(initCA.status == 0 && initCA.stdout.hasPrefix("created a CA in"), "\(initCA.stderr)")
        let again = try mesh.run(["ca", "init"], in: dir)
        #expect(again.status == 1 && again.stderr.split(separator: "\n").count == 1, "a second init keeps the CA: \(again.stderr)")
        for (name, extra) in [("receiver", ["--dns", "localhost"]), ("admin", ["--dns", "localhost", "--ip", "127.0.0.1"]), ("mesh-top", []), ("ops", [])] {
            let issued = try mesh.run(["ca", "issue", name, "--out", "certs"] + extra, in: dir)
            #expect(issued.status == 0, "\(issued.stderr)")
        }
        return dir
    }

    @Test func alertsReachAWebhookBehindMutualTLS() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("python3 not installed; CI must have it") }
            print("skipped: python3 not installed")
            return
        }
        let dir = try caFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let certs = dir.appendingPathComponent("certs").path
        let received = dir.appendingPathComponent("received.jsonl").path
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        receiver.arguments = [Self.fixtures.appendingPathComponent("tls_receiver.py").path,
                              certs + "/receiver.pem", certs + "/receiver.key", certs + "/ca.pem", received]
        let out = Pipe()
        receiver.standardOutput = out
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        // SIGKILL: the test runner blocks SIGTERM, and its children inherit the mask.
        defer { kill(receiver.processIdentifier, SIGKILL); receiver.waitUntilExit() }
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let port = try #require(Int(String(decoding: line, as: UTF8.self)))

        let scenario = try String(contentsOf: Self.repo.appendingPathComponent("demo/zone-outage.yaml"), encoding: .utf8)
            + "\nnotify:\n  - {webhook: \"https://localhost:\(port)/hook\", format: json, ca: certs/ca.pem, cert: certs/mesh-top.pem, key: certs/mesh-top.key}\n"
        try scenario.write(to: dir.appendingPathComponent("outage.yaml"), atomically: true, encoding: .utf8)
        let demo = try Executable("mesh-top").run(["demo", "outage.yaml", "--headless", "--speed", "20", "--duration", "40s"], in: dir)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(!demo.stderr.contains("notify:"), "\(demo.stderr)")
        let lines = ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").split(separator: "\n")
        let posts = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(posts.contains { ($0["body"] as? String)?.contains(#""name":"failover""#) == true }, "\(lines)")
        #expect(posts.allSatisfy { $0["peer"] as? [String] == ["spiffe://mesh-top.local/ns/default/sa/mesh-top"] })

        // A ca: file that holds no CA stops the demo before it starts, naming the file.
        let wrong = scenario.replacingOccurrences(of: "ca: certs/ca.pem", with: "ca: certs/receiver.pem")
        try wrong.write(to: dir.appendingPathComponent("wrong.yaml"), atomically: true, encoding: .utf8)
        let refused = try Executable("mesh-top").run(["demo", "wrong.yaml", "--headless", "--duration", "1s"], in: dir)
        #expect(refused.status == 1 && refused.stderr.contains("\(certs)/receiver.pem: holds a certificate that is not a CA"), "\(refused.stderr)")
    }

    @Test func ctlTalksToAnAdminAPIOnHTTPSWithAClientCertificate() throws {
        let dir = try caFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let adminPort = Executable.freePort()
        try """
            admin: {listen: 127.0.0.1:\(adminPort), tls: {cert: certs/admin.pem, key: certs/admin.key, client_ca: certs/ca.pem}}
            services:
              - name: web
                listen: 127.0.0.1:\(Executable.freePort())
                endpoints: [{id: web-1, address: 127.0.0.1:\(Executable.freePort())}]
            """.write(to: dir.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        let run = Process()
        run.executableURL = try Executable("mesh-top").url
        run.arguments = ["run", "--config", "mesh.yaml", "--headless"]
        run.currentDirectoryURL = dir
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        defer { kill(run.processIdentifier, SIGKILL); run.waitUntilExit() }
        let deadline = Date().addingTimeInterval(60)
        while !Executable.connects(port: adminPort), Date() < deadline { usleep(50_000) }

        let certs = dir.appendingPathComponent("certs").path
        let ctl = try Executable("mesh-top")
        let status = try ctl.run(["ctl", "--admin", "https://localhost:\(adminPort)", "--cacert", certs + "/ca.pem",
                                  "--cert", certs + "/ops.pem", "--key", certs + "/ops.key", "status"])
        #expect(status.status == 0 && status.stdout.contains("web/web-1"), "\(status.stdout)\(status.stderr)")
        // Without a client certificate the handshake fails: one line.
        let anonymous = try ctl.run(["ctl", "--admin", "https://localhost:\(adminPort)", "--cacert", certs + "/ca.pem", "status"])
        #expect(anonymous.status == 1 && anonymous.stderr.split(separator: "\n").count == 1, "\(anonymous.stderr)")
        #expect(anonymous.stderr.hasPrefix("mesh-top: "))
        // Plain HTTP to an HTTPS admin API gets nothing it can read.
        let plain = try ctl.run(["ctl", "--admin", "127.0.0.1:\(adminPort)", "status"])
        #expect(plain.status == 1 && plain.stderr.split(separator: "\n").count == 1, "\(plain.stderr)")
    }
}
