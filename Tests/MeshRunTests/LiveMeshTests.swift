import Foundation
import MeshConfig
import MeshCore
import MeshSession
import MeshTestSupport
import Testing
@testable import MeshRun

/// `mesh-top run` in-process on real sockets: real python3 HTTP servers as supervised backends,
/// real requests through the proxy, real SIGKILLs.
@Suite(.serialized) struct LiveMeshTests {
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [MeshEvent] = []
        func append(_ e: MeshEvent) { lock.withLock { all.append(e) } }
        var list: [MeshEvent] { lock.withLock { all } }
        func changes(_ id: String) -> [EndpointState] {
            list.compactMap { if case .endpointState(let c) = $0.body, c.endpoint.endpoint == id { c.to } else { nil } }
        }
    }

    struct Mesh {
        var live: LiveMesh
        var runner: SessionRunner
        var events: Events
        var port: Int

        func state(_ id: String) -> EndpointState? {
            runner.snapshot().state.endpoint(EndpointRef(service: "web", endpoint: id))?.state
        }
        func stop() {
            runner.submit(.stop)
            runner.waitUntilStopped()
            live.shutdown()
        }
    }

    /// web-1 alone in zone a, web-2 and web-3 in zone b; each a python3 http.server.
    func start(interval: String = "300ms") throws -> Mesh {
        let port = unusedPort()
        let backends = (1...3).map { _ in unusedPort() }
        let yaml = """
            admin: 127.0.0.1:\(unusedPort())
            services:
              - name: web
                listen: 127.0.0.1:\(port)
                balancer: round-robin
                health: {type: http, path: /, interval: \(interval), timeout: 500ms, healthy_threshold: 2, unhealthy_threshold: 2}
                outlier: {consecutive_failures: 3, base_ejection: 30s, max_ejection: 60s, max_ejection_percent: 50}
                drain_timeout: 5s
                retries: 2
                zones: [a, b]
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(backends[0]), zone: a, command: "python3 -m http.server \(backends[0]) --bind 127.0.0.1"}
                  - {id: web-2, address: 127.0.0.1:\(backends[1]), zone: b, command: "python3 -m http.server \(backends[1]) --bind 127.0.0.1"}
                  - {id: web-3, address: 127.0.0.1:\(backends[2]), zone: b, command: "python3 -m http.server \(backends[2]) --bind 127.0.0.1"}
            """
        let config = try MeshConfig.parse(yaml: yaml, file: "live.yaml")
        let events = Events()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString)")
        let live = try LiveMesh(config: config, name: "live", threads: 1, logDirectory: logs, onEvent: events.append)
        let runner = SessionRunner(playback: live, speed: 1, stopAtEnd: false)
        runner.start()
        return Mesh(live: live, runner: runner, events: events, port: port)
    }

    func waitFor(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        poll(for: seconds, every: 0.05, condition)
    }

    @Test func killedProcessIsRoutedAroundAndFailsOverWithoutClientErrors() throws {
        let mesh = try start()
        defer { mesh.stop() }
        #expect(waitFor { ["web-1", "web-2", "web-3"].allSatisfy { mesh.state($0) == .healthy } })
        #expect((0..<20).allSatisfy { _ in httpGet(port: mesh.port) == 200 })

        // web-1 dies (SIGKILL from outside, as a crash): clients keep getting answers (retries
        // to another endpoint), checks mark it unhealthy, and zone a's traffic fails over to b.
        let ref = EndpointRef(service: "web", endpoint: "web-1")
        let pid = try #require(mesh.live.supervisor.pid(ref))
        kill(-pid, SIGKILL)
        var statuses: [Int?] = []
        for _ in 0..<40 { statuses.append(httpGet(port: mesh.port)); usleep(25_000) }
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        // unhealthy_threshold × interval + timeout (about a second), with room for a loaded machine.
        #expect(waitFor(30) { [.unhealthy, .ejected].contains(mesh.state("web-1")) })
        let failovers = mesh.events.list.compactMap { if case .failover(let f) = $0.body { f } else { nil } }
        #expect(failovers.contains { $0.to == "b" })
    }

    @Test func operatorKillIsRealAndRestoreRestartsTheProcess() throws {
        let mesh = try start()
        defer { mesh.stop() }
        let ref = EndpointRef(service: "web", endpoint: "web-2")
        #expect(waitFor { mesh.state("web-2") == .healthy })
        let pid = try #require(mesh.live.supervisor.pid(ref))
        mesh.runner.submit(.operate(OperatorCommand(action: .kill, target: ref, by: "test")))
        #expect(waitFor { mesh.state("web-2") == .killed })
        #expect(waitFor { kill(pid, 0) == -1 }, "the process survived a kill")
        #expect((0..<10).allSatisfy { _ in httpGet(port: mesh.port) == 200 })

        mesh.runner.submit(.operate(OperatorCommand(action: .restore, target: ref, by: "test")))
        #expect(waitFor { mesh.state("web-2") == .healthy })
        let restarted = try #require(mesh.live.supervisor.pid(ref))
        #expect(restarted != pid)
        // Killed, back to unknown on restore, healthy at the end; on a loaded machine the
        // restarted process may not listen yet at its first check (unhealthy in between).
        let sinceKill = Array(mesh.events.changes("web-2").drop { $0 != .killed })
        #expect(Array(sinceKill.prefix(2)) == [.killed, .unknown] && sinceKill.last == .healthy, "\(sinceKill)")
        #expect(sinceKill.dropFirst(2).allSatisfy { $0 == .unhealthy || $0 == .healthy }, "\(sinceKill)")
    }

    @Test func drainSendsNoNewRequestsAndEndsDrained() throws {
        let mesh = try start()
        defer { mesh.stop() }
        #expect(waitFor { ["web-1", "web-2", "web-3"].allSatisfy { mesh.state($0) == .healthy } })
        let ref = EndpointRef(service: "web", endpoint: "web-1")
        mesh.runner.submit(.operate(OperatorCommand(action: .drain, target: ref, by: "test")))
        #expect(waitFor { mesh.state("web-1") == .draining || mesh.state("web-1") == .drained })
        // Idle, it is drained at the next sample; no request reaches it afterwards.
        #expect(waitFor(5) { mesh.state("web-1") == .drained })
        #expect((0..<20).allSatisfy { _ in httpGet(port: mesh.port) == 200 })
        #expect(waitFor(3) {
            mesh.runner.snapshot().state.endpoint(ref).map { $0.load.rps == 0 && $0.load.active == 0 } ?? false
        })
        let log = try String(contentsOf: mesh.live.supervisor.logFile(ref), encoding: .utf8)
        let served = log.components(separatedBy: "\"GET / HTTP/1.1\" 200").count - 1
        #expect(waitFor(2) { mesh.runner.snapshot().state.endpoint(ref)?.load.rps == 0 })
        let later = try String(contentsOf: mesh.live.supervisor.logFile(ref), encoding: .utf8)
        #expect(later.components(separatedBy: "\"GET / HTTP/1.1\" 200").count - 1 == served)
    }

    @Test func portInUseIsOneLineAndStartsNothing() throws {
        let taken = unusedPort()
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        _ = Loopback.withAddress(taken) { bind(holder, $0, $1) }
        listen(holder, 1)
        let config = try MeshConfig.parse(yaml: """
            services:
              - name: web
                listen: 127.0.0.1:\(taken)
                endpoints: [{id: web-1, address: 127.0.0.1:\(unusedPort())}]
            """, file: "busy.yaml")
        do {
            _ = try LiveMesh(config: config, name: "busy", threads: 1,
                             logDirectory: FileManager.default.temporaryDirectory, onEvent: { _ in })
            Issue.record("started on a port in use")
        } catch {
            #expect("\(error)".contains("\(taken)"))
            #expect("\(error)".contains("in use"))
            #expect(!"\(error)".contains("\n"))
        }
    }
}
