import Foundation
import MeshConfig
import MeshCore
import MeshEtcd
import MeshSession
import MeshTestSupport
import Testing
@testable import MeshRun

/// `run --registry etcd://…` against a real etcd: two (and three) live meshes in this process,
/// each with its own listeners and admin port, share registrations through it.
@Suite(.serialized) struct SharedRegistryTests {
    let live = LiveMeshTests()

    final class Instance {
        let mesh: LiveMesh
        let runner: SessionRunner
        let events: LiveMeshTests.Events
        private var stopped = false

        init(mesh: LiveMesh, runner: SessionRunner, events: LiveMeshTests.Events) {
            self.mesh = mesh; self.runner = runner; self.events = events
        }

        func endpoints(_ service: String = "api") -> [String] {
            runner.snapshot().state.services.first { $0.name == service }?.endpoints.map(\.id).sorted() ?? []
        }
        func send(_ command: RegistryCommand) -> OperatorError? {
            let answer = LiveRegistryTests.Answers()
            runner.submit(.registry(command)) { answer.add($0) }
            let deadline = Date().addingTimeInterval(5)
            while answer.all.isEmpty, Date() < deadline { usleep(20_000) }
            return answer.all.first ?? .readOnly("no answer")
        }
        /// Once; later calls do nothing.
        func stop() {
            guard !stopped else { return }
            stopped = true
            runner.submit(.stop)
            runner.waitUntilStopped()
            mesh.shutdown()
        }
    }

    /// nil when etcd is missing (a printed skip; a failure under CI=true).
    func etcd() throws -> EtcdServer? {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return nil }
        let server = EtcdServer()
        try server.start()
        return server
    }

    /// A real etcd and two instances (a and b) sharing it, each stopped (once) at the end.
    func withTwoInstances(_ body: (EtcdServer, Instance, Instance) throws -> Void) throws {
        guard let etcd = try etcd() else { return }
        defer { etcd.stop() }
        let a = try start(etcd.url, as: "a")
        defer { a.stop() }
        let b = try start(etcd.url, as: "b")
        defer { b.stop() }
        try body(etcd, a, b)
    }

    /// An instance named `name` whose mesh.yaml has the service `api` (TCP, unchecked) and
    /// whatever `services` adds.
    func start(_ registry: String, as name: String, services: String = "") throws -> Instance {
        let yaml = """
            admin: 127.0.0.1:\(unusedPort())
            services:
              - name: api
                listen: 127.0.0.1:\(unusedPort())
                protocol: tcp
                health: {type: none}
            """ + services
        let config = try MeshConfig.parse(yaml: yaml, file: "shared.yaml")
        let events = LiveMeshTests.Events()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString)")
        let mesh = try LiveMesh(config: config, name: "shared", threads: 1, logDirectory: logs,
                                registry: try EtcdCluster(url: registry), instance: name, onEvent: events.append)
        let runner = SessionRunner(playback: mesh, speed: 1, stopAtEnd: false)
        runner.start()
        return Instance(mesh: mesh, runner: runner, events: events)
    }

    func endpoint(_ id: String) -> Endpoint {
        Endpoint(id: id, address: "127.0.0.1:\(unusedPort())", zone: "a", weight: 40, tags: ["v2"], metadata: ["zone": "a"])
    }

    @Test func registrationsAreSharedBothWaysAndLeaveWithTheirInstance() throws {
        try withTwoInstances { etcd, a, b in
            #expect(a.send(.register(service: "api", endpoint: endpoint("api-1"))) == nil)
            #expect(live.waitFor(5) { b.endpoints() == ["api-1"] })
            let copy = b.runner.snapshot().state.endpoint(EndpointRef(service: "api", endpoint: "api-1"))
            #expect(copy?.weight == 40 && copy?.tags == ["v2"] && copy?.zone == "a")

            // Deregistering anywhere removes it everywhere.
            #expect(b.send(.deregister(id: "api-1")) == nil)
            #expect(live.waitFor(5) { a.endpoints().isEmpty })

            // A service only the registration names is created on the other side too.
            #expect(b.send(.register(service: "billing", endpoint: endpoint("billing-1"))) == nil)
            #expect(b.send(.register(service: "api", endpoint: endpoint("api-2"))) == nil)
            #expect(live.waitFor(5) { a.endpoints() == ["api-2"] && a.endpoints("billing") == ["billing-1"] })

            // A late instance starts from what is registered now.
            let c = try start(etcd.url, as: "c")
            #expect(live.waitFor(5) { c.endpoints() == ["api-2"] })

            // b stops: its lease is revoked and its registrations leave a and c at once.
            b.stop()
            #expect(live.waitFor(5) { a.endpoints().isEmpty && c.endpoints().isEmpty && a.endpoints("billing").isEmpty })
            c.stop()
            // Each change is a registry event, once: a never saw api-1 come back as a remote copy.
            let registered = a.events.list.filter {
                if case .registry(let change) = $0.body { change.endpoint.id == "api-1" && change.action == .registered } else { false }
            }
            #expect(registered.count == 1)
        }
    }

    @Test func theLatestRegistrationOfAnIDOwnsIt() throws {
        try withTwoInstances { _, a, b in
            #expect(b.send(.register(service: "api", endpoint: endpoint("api-5"))) == nil)
            #expect(live.waitFor(5) { a.endpoints() == ["api-5"] })
            var mine = endpoint("api-5")
            mine.weight = 7
            #expect(a.send(.register(service: "api", endpoint: mine)) == nil)
            let ref = EndpointRef(service: "api", endpoint: "api-5")
            #expect(live.waitFor(5) { b.runner.snapshot().state.endpoint(ref)?.weight == 7 })
            // b leaving revokes b's lease, which no longer holds the key: a's registration stays.
            b.stop()
            Thread.sleep(forTimeInterval: 1)
            #expect(a.endpoints() == ["api-5"])
            #expect(a.runner.snapshot().state.endpoint(ref)?.weight == 7)
        }
    }

    @Test func registrationsOutliveTheirLeaseWhileTheirInstanceRuns() throws {
        try withTwoInstances { _, a, b in
            #expect(a.send(.register(service: "api", endpoint: endpoint("api-4"))) == nil)
            #expect(live.waitFor(5) { b.endpoints() == ["api-4"] })
            // Past the lease's TTL: only the keep-alives hold the key.
            Thread.sleep(forTimeInterval: Double(SharedMesh.leaseTTL) + 2)
            #expect(b.endpoints() == ["api-4"])
        }
    }

    @Test func anEtcdOutageIsReportedAndHealedWhenItComesBack() throws {
        try withTwoInstances { etcd, a, b in
            etcd.kill()
            // Registration still works locally while etcd is away; sharing it is said to fail.
            #expect(a.send(.register(service: "api", endpoint: endpoint("api-3"))) == nil)
            #expect(a.endpoints() == ["api-3"])
            #expect(live.waitFor(5) { a.events.list.contains { if case .fault(let f) = $0.body { f.action == "registry" } else { false } } })

            try etcd.start()
            // The watch resyncs and the write that missed etcd is made again: b hears of api-3.
            #expect(live.waitFor(15) { b.endpoints() == ["api-3"] })
            #expect(live.waitFor(5) {
                a.events.list.contains { if case .fault(let f) = $0.body { f.detail.contains("etcd is back") } else { false } }
            })
        }
    }

    @Test func anUnreachableClusterStopsStartUpWithOneLine() throws {
        do {
            _ = try start("etcd://127.0.0.1:1", as: "a")
            Issue.record("started without etcd")
        } catch {
            let text = "\(error)"
            #expect(text == "--registry etcd://127.0.0.1:1: cannot reach etcd: 127.0.0.1:1: connection refused")
            #expect(!text.contains("\n"))
        }
        #expect(throws: EtcdError("--registry 'etcd://h': 'h' is not HOST:PORT")) { try EtcdCluster(url: "etcd://h") }
        #expect(try EtcdCluster(url: "etcd://a:1,[::1]:2").members.map(\.description) == ["a:1", "[::1]:2"])
    }
}

extension SharedRegistryTests {
    /// A registration's HTTP and TCP checks travel and run on every instance; its TTL checks and
    /// its deregistration delay stay with the instance that took it (health stays local).
    @Test func checksTravelButTTLsStayWhereTheyWereSent() throws {
        try withTwoInstances { _, a, b in
            let backend = unusedPort()
            let checks = [
                ServiceCheck(id: "beat", name: "beat", kind: .ttl, ttl: 30, deregisterCriticalAfter: 120),
                ServiceCheck(id: "tcp", name: "tcp", kind: .tcp, target: "127.0.0.1:\(backend)", host: "127.0.0.1", port: backend,
                             interval: 1, timeout: 1, deregisterCriticalAfter: 120),
            ]
            var api1 = endpoint("api-1")
            api1.registration = Registration(checks: checks, warningWeight: 4)
            #expect(a.send(.register(service: "api", endpoint: api1)) == nil)
            #expect(live.waitFor(5) { b.endpoints() == ["api-1"] })
            let ref = EndpointRef(service: "api", endpoint: "api-1")
            let there = b.runner.snapshot().state.endpoint(ref)?.registration
            #expect(there?.checks.map(\.id) == ["tcp"])
            #expect(there?.checks.first?.deregisterCriticalAfter == nil && there?.warningWeight == 4)
            #expect(a.runner.snapshot().state.endpoint(ref)?.registration?.checks.map(\.id) == ["beat", "tcp"])
            // B runs the TCP check itself: nothing listens, so a run says so.
            #expect(live.waitFor(10) {
                b.runner.snapshot().state.endpoint(ref)?.registration?.checks.first?.output.hasSuffix("refused") == true
            })
            // A TTL report reaches only the instance it is sent to.
            #expect(b.send(.updateCheck(id: "beat", status: .passing, output: "")) == .unknownCheck("beat"))
            #expect(a.send(.updateCheck(id: "beat", status: .passing, output: "")) == nil)
        }
    }
}

extension SharedRegistryTests {
    /// Health stays local, but each instance publishes how it sees every endpoint: here b
    /// checks a path web-1 does not serve, so b sees it unhealthy while a sees it healthy, and
    /// each says so about the other.
    @Test func eachInstanceShowsWhereTheOthersSeeAnEndpointOtherwise() throws {
        guard let etcd = try etcd() else { return }
        defer { etcd.stop() }
        let backend = unusedPort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-m", "http.server", String(backend), "--bind", "127.0.0.1"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: the test runner blocks SIGTERM, and its children inherit the mask.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let a = try start(etcd.url, as: "a", services: """

              - name: web
                listen: 127.0.0.1:\(unusedPort())
                health: {type: http, path: /, interval: 300ms, healthy_threshold: 1}
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(backend)}
            """)
        defer { a.stop() }
        let b = try start(etcd.url, as: "b", services: """

              - name: web
                listen: 127.0.0.1:\(unusedPort())
                health: {type: http, path: /no-such-page, interval: 300ms, unhealthy_threshold: 1}
            """)
        defer { b.stop() }
        let ref = EndpointRef(service: "web", endpoint: "web-1")
        #expect(live.waitFor(20) {
            let here = a.runner.snapshot().state.endpoint(ref)
            return here?.state == .healthy && here?.views?["b"] == .unhealthy
        })
        #expect(live.waitFor(20) {
            let there = b.runner.snapshot().state.endpoint(ref)
            return there?.state == .unhealthy && there?.views?["a"] == .healthy && there?.owner == "a"
        })
        #expect(a.runner.snapshot().state.endpoint(ref)?.disagreements.map(\.instance) == ["b"])
        #expect(a.runner.snapshot().state.instances.map(\.name) == ["a", "b"])
        // Views are bookkeeping: recorded, but not in the events pane.
        #expect(a.events.list.contains { if case .view(let v) = $0.body { v.instance == "b" } else { false } })
        #expect(!a.runner.snapshot().state.log.contains { if case .view = $0.body { true } else { false } })
    }

    /// Instance b watches through a member that freezes while the mesh changes and etcd
    /// compacts its history: b moves to another member, finds the revision it had compacted
    /// away, reads everything again, and misses nothing. No outage is reported: one member of
    /// three is not etcd.
    @Test func aResumeFindingItsRevisionCompactedReadsEverythingAgain() throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        let members = EtcdServer.cluster(of: 3)
        defer { members.forEach { $0.stop() } }
        try EtcdServer.start(members)
        // A follower freezes: the others keep a quorum and their leader.
        var follower: EtcdServer?
        let deadline = Date().addingTimeInterval(20)
        while follower == nil, Date() < deadline {
            follower = members.first { $0.isLeader() == false }
            if follower == nil { usleep(200_000) }
        }
        let frozen = try #require(follower)
        let others = members.filter { $0 !== frozen }
        let a = try start("etcd://" + others.map(\.member).joined(separator: ","), as: "a")
        defer { a.stop() }
        let b = try start("etcd://" + ([frozen] + others).map(\.member).joined(separator: ","), as: "b")
        defer { b.stop() }
        #expect(a.send(.register(service: "api", endpoint: endpoint("api-1"))) == nil)
        #expect(live.waitFor(10) { b.endpoints() == ["api-1"] })
        #expect(b.mesh.shared?.client.member.description == frozen.member)

        frozen.freeze()
        defer { frozen.thaw() }
        // Two changes, and the history up to the second compacted: the first is gone from it.
        #expect(a.send(.register(service: "api", endpoint: endpoint("api-2"))) == nil)
        #expect(a.send(.register(service: "api", endpoint: endpoint("api-3"))) == nil)
        let key = "/mesh-top/registry/api/api-3"
        #expect(live.waitFor(10) { others[0].call("/v3/kv/range", #"{"key":"\#(Data(key.utf8).base64EncodedString())"}"#)?.contains("kvs") == true })
        #expect(others[0].compact() != nil)

        #expect(live.waitFor(45) { b.endpoints() == ["api-1", "api-2", "api-3"] })
        #expect((b.mesh.shared?.resyncs ?? 0) == 1)
        #expect(b.mesh.shared?.client.member.description != frozen.member)
        #expect(!b.events.list.contains { if case .fault(let f) = $0.body { f.detail.hasPrefix("etcd:") } else { false } })
        // Changes after the resync arrive as before.
        #expect(a.send(.deregister(id: "api-1")) == nil)
        #expect(live.waitFor(10) { b.endpoints() == ["api-2", "api-3"] })
    }
}

extension SharedRegistryTests {
    /// Two instances cannot share a name: the second waits out the lease a dead earlier run
    /// would hold (saying why), then refuses in one line; the first is untouched.
    @Test func aNameInUseIsRefusedOnceALeaseCouldHaveRunOut() throws {
        try withTwoInstances { etcd, a, _ in
            let said = Locked<[String]>([])
            let config = try MeshConfig.parse(yaml: "services: []\n", file: "again.yaml")
            let logs = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString)")
            do {
                let twin = try LiveMesh(config: config, name: "again", threads: 1, logDirectory: logs, registry: try EtcdCluster(url: etcd.url),
                                        instance: "a", announce: { text in said.mutate { $0.append(text) } }, onEvent: { _ in })
                twin.shutdown()
                Issue.record("a second instance named a started")
            } catch {
                #expect("\(error)" == "--registry \(etcd.url): another instance named 'a' is up (etcd holds /mesh-top/instances/a under a live lease): give each instance its own --instance")
            }
            #expect(said.value == ["waiting for etcd to let go of /mesh-top/instances/a: an earlier run of 'a' that died, or another instance of that name"])
            #expect(a.send(.register(service: "api", endpoint: endpoint("api-9"))) == nil)
        }
    }
}

extension SharedRegistryTests {
    /// Two instances whose mesh.yaml names the same endpoint (the same file on two machines)
    /// both keep it as theirs; the others see one copy, held by whoever published first and
    /// taken over by the other when it leaves.
    @Test func anEndpointTwoFilesNameStaysWhileEitherRuns() throws {
        guard let etcd = try etcd() else { return }
        defer { etcd.stop() }
        let backend = unusedPort()
        func web() -> String {
            """

              - name: web
                listen: 127.0.0.1:\(unusedPort())
                health: {type: none}
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(backend)}
            """
        }
        let a = try start(etcd.url, as: "a", services: web())
        defer { a.stop() }
        let b = try start(etcd.url, as: "b", services: web())
        defer { b.stop() }
        let c = try start(etcd.url, as: "c")
        defer { c.stop() }
        let ref = EndpointRef(service: "web", endpoint: "web-1")
        #expect(live.waitFor(10) { c.runner.snapshot().state.endpoint(ref)?.owner == "a" })
        #expect(live.waitFor(5) { b.runner.snapshot().state.instances.count == 3 })
        #expect(b.runner.snapshot().state.endpoint(ref)?.owner == "b")
        #expect(!b.events.list.contains { if case .registry = $0.body { true } else { false } })
        a.stop()
        #expect(live.waitFor(10) { c.runner.snapshot().state.endpoint(ref)?.owner == "b" })
        #expect(b.runner.snapshot().state.endpoint(ref)?.owner == "b")
    }
}
