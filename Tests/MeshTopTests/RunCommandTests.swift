import Foundation
import MeshTestSupport
import Testing

/// `mesh-top run` as a user runs it: a real backend process, a recording, and its replay.
@Suite struct RunCommandTests {
    func freePort() -> Int { Executable.freePort() }

    @Test func runRecordsAndTheRecordingReplays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let backend = freePort()
        try """
            admin: 127.0.0.1:\(freePort())
            services:
              - name: web
                listen: 127.0.0.1:\(freePort())
                health: {type: http, path: /, interval: 200ms}
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(backend), command: "python3 -m http.server \(backend) --bind 127.0.0.1"}
            """.write(to: dir.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        let run = try Executable("mesh-top").run(["run", "--config", "mesh.yaml", "--headless", "--duration", "3s",
                                                  "--record", "run.jsonl"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"to\":\"healthy\""))
        #expect(run.stderr.contains("web/web-1"))
        // The supervised backend is gone with mesh-top.
        let deadline = Date().addingTimeInterval(5)
        while Executable.connects(port: backend), Date() < deadline { usleep(50_000) }
        #expect(Executable.connects(port: backend) == false)

        let replay = try Executable("mesh-top").run(["replay", "run.jsonl", "--headless", "--speed", "max"], in: dir)
        #expect(replay.status == 0, "\(replay.stderr)")
        let liveStates = run.stdout.split(separator: "\n").filter { $0.contains("endpoint.state") }
        let replayedStates = replay.stdout.split(separator: "\n").filter { $0.contains("endpoint.state") }
        #expect(!liveStates.isEmpty && liveStates == replayedStates)
    }

    @Test func badConfigAndPortInUseAreOneLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "services:\n  - name: web\n    balancer: fastest\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try Executable("mesh-top").run(["run", "--config", "bad.yaml", "--headless"], in: dir)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("bad.yaml:3"))
        #expect(bad.stderr.split(separator: "\n").count == 1)

        // A registry that is not etcd://, or that nobody answers at: one line, nothing started.
        try "services:\n  - name: web\n    listen: 127.0.0.1:\(Executable.freePort())\n".write(to: dir.appendingPathComponent("ok.yaml"), atomically: true, encoding: .utf8)
        let scheme = try Executable("mesh-top").run(["run", "--config", "ok.yaml", "--headless", "--registry", "http://127.0.0.1:2379"], in: dir)
        #expect(scheme.status == 1)
        #expect(scheme.stderr == "mesh-top: --registry 'http://127.0.0.1:2379': expected etcd://HOST:PORT[,HOST:PORT...] (or etcds:// for TLS)\n")
        let nobody = try Executable("mesh-top").run(["run", "--config", "ok.yaml", "--headless", "--registry", "etcd://127.0.0.1:1"], in: dir)
        #expect(nobody.status == 1)
        #expect(nobody.stderr == "mesh-top: --registry etcd://127.0.0.1:1: cannot reach etcd: 127.0.0.1:1: connection refused\n")

        // An admin address other machines reach, with a token but in clear: refused, one line.
        try "token: t\nservices:\n  - name: web\n    listen: 127.0.0.1:\(Executable.freePort())\n".write(to: dir.appendingPathComponent("tok.yaml"), atomically: true, encoding: .utf8)
        let open = try Executable("mesh-top").run(["run", "--config", "tok.yaml", "--headless", "--admin", "0.0.0.0:\(Executable.freePort())"], in: dir)
        #expect(open.status == 1)
        #expect(open.stderr.hasSuffix("is reachable from other machines: serve it over TLS (admin: {listen, tls} in mesh.yaml), or say insecure: true there\n"), "\(open.stderr)")
        // tls: auto with no CA beside the config: says what to run.
        try "admin: {listen: 127.0.0.1:\(Executable.freePort()), tls: auto}\nservices: []\n".write(to: dir.appendingPathComponent("auto.yaml"), atomically: true, encoding: .utf8)
        let noCA = try Executable("mesh-top").run(["run", "--config", "auto.yaml", "--headless"], in: dir)
        #expect(noCA.status == 1 && noCA.stderr.contains("mesh-top ca init"), "\(noCA.stderr)")
        #expect(noCA.stderr.split(separator: "\n").count == 1)
    }
}

extension Executable {
    /// A port nothing listens on now, from a range the other tests' ephemeral ports avoid.
    static func freePort() -> Int { Loopback.freePort(in: 32_001...32_700) }

    /// Whether something accepts connections on 127.0.0.1:port right now.
    static func connects(port: Int) -> Bool { Loopback.connects(port: port) }
}
