import Foundation
import MeshCore
import MeshSession
import Testing
@testable import MeshRun

/// Registrations on the real data plane: a registered backend is probed and routed to, a
/// deregistered one is not; a TTL registration lives on its reports.
@Suite(.serialized) struct LiveRegistryTests {
    let live = LiveMeshTests()

    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [OperatorError?] = []
        func add(_ a: OperatorError?) { lock.withLock { list.append(a) } }
        var all: [OperatorError?] { lock.withLock { list } }
    }

    func send(_ mesh: LiveMeshTests.Mesh, _ command: RegistryCommand) -> OperatorError? {
        let answers = Answers()
        mesh.runner.submit(.registry(command)) { answers.add($0) }
        _ = live.waitFor(5) { !answers.all.isEmpty }
        return answers.all.first ?? .readOnly("no answer")
    }

    @Test func aRegisteredBackendIsCheckedAndRoutedToUntilDeregistered() throws {
        let mesh = try live.start()
        defer { mesh.stop() }
        let port = unusedPort()
        let backend = Process()
        backend.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        backend.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1"]
        backend.standardOutput = FileHandle.nullDevice
        backend.standardError = FileHandle.nullDevice
        try backend.run()
        // SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
        defer { kill(backend.processIdentifier, SIGKILL); backend.waitUntilExit() }

        let endpoint = Endpoint(id: "web-9", address: "127.0.0.1:\(port)", zone: "a")
        #expect(send(mesh, .register(service: "web", endpoint: endpoint)) == nil)
        #expect(live.waitFor(15) { mesh.state("web-9") == .healthy })
        // Only web-9 left to take traffic: every request that succeeds went to it.
        for id in ["web-1", "web-2", "web-3"] {
            mesh.runner.submit(.operate(OperatorCommand(action: .kill, target: EndpointRef(service: "web", endpoint: id), by: "test")))
        }
        #expect(live.waitFor { ["web-1", "web-2", "web-3"].allSatisfy { mesh.state($0) == .killed } })
        #expect((0..<10).allSatisfy { _ in httpGet(port: mesh.port) == 200 })

        #expect(send(mesh, .deregister(id: "web-9")) == nil)
        #expect(mesh.state("web-9") == nil)
        #expect(live.waitFor { httpGet(port: mesh.port) == 503 })
        #expect(send(mesh, .deregister(id: "web-9")) == .unknownID("web-9"))
    }

    @Test func aTTLRegistrationLivesOnItsReports() throws {
        let mesh = try live.start()
        defer { mesh.stop() }
        let ttl = ServiceCheck(id: "service:web-ttl", name: "ttl", kind: .ttl, ttl: 0.4)
        let endpoint = Endpoint(id: "web-ttl", address: "127.0.0.1:\(unusedPort())", zone: "b",
                                registration: Registration(checks: [ttl]))
        #expect(send(mesh, .register(service: "web", endpoint: endpoint)) == nil)
        // Consul's initial status is critical, but nothing has been heard yet: not checked yet.
        #expect(mesh.state("web-ttl") == .unknown)
        #expect(send(mesh, .updateCheck(id: "service:web-ttl", status: .passing, output: "")) == nil)
        #expect(mesh.state("web-ttl") == .healthy)
        // No more reports: the lapsed TTL is critical at once.
        #expect(live.waitFor { mesh.state("web-ttl") == .unhealthy })
        #expect(send(mesh, .updateCheck(id: "nobody", status: .passing, output: "")) == .unknownCheck("nobody"))
        #expect(send(mesh, .register(service: "web", endpoint: Endpoint(id: "bad", address: "no port")))
                == .badRegistration("Address and Port: 'no port' is not host:port"))
    }
}
