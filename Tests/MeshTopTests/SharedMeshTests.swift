import Foundation
import MeshTestSupport
import Testing

/// Several instances of the real binary, one mesh, through a real etcd: each mesh.yaml's
/// endpoints reach every instance, the operator's word on one is obeyed by all (traffic
/// through each stops reaching a drained endpoint), instances see each other come and go,
/// and etcd's members dying, freezing or sitting across a network change none of it.
@Suite(.serialized) struct SharedMeshTests {
    /// Polls until `condition` holds or `seconds` pass (generous: the machine may be loaded).
    func waitFor(_ seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        poll(for: seconds, every: 0.2, condition)
    }

    func withEtcd(_ body: (EtcdServer) throws -> Void) throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        let etcd = EtcdServer()
        defer { etcd.stop() }
        try etcd.start()
        try body(etcd)
    }

    func isOperator(_ action: String, by instance: String) -> ([String: Any]) -> Bool {
        { $0["type"] as? String == "operator" && $0["action"] as? String == action && $0["instance"] as? String == instance }
    }

    func isInstance(_ name: String, _ action: String) -> ([String: Any]) -> Bool {
        { $0["type"] as? String == "instance" && $0["instance"] as? String == name && $0["action"] as? String == action }
    }

    @Test func oneMeshOfThreeInstancesAndALateJoiner() throws {
        try withEtcd { etcd in
            let web1 = try NamedBackend("web-1"), web2 = try NamedBackend("web-2")
            defer { web1.stop(); web2.stop() }
            // a names both endpoints; b and c declare the service with none.
            var a = try MeshProcess("a", registry: etcd.url, endpoints: [("web-1", web1.address), ("web-2", web2.address)])
            defer { a.stop() }
            let b = try MeshProcess("b", registry: etcd.url)
            defer { b.stop() }
            let c = try MeshProcess("c", registry: etcd.url)
            defer { c.stop() }
            let all = [a, b, c]

            // a's mesh.yaml reaches b and c, owned by a; traffic through each reaches both.
            for instance in all {
                #expect(waitFor { instance.state("web-1") == "healthy" && instance.state("web-2") == "healthy" }, "\(instance.name)")
                #expect(instance.endpoints()["web-2"]?["owner"] as? String == "a")
                #expect(waitFor { Set(instance.answers(12)) == ["web-1", "web-2"] }, "\(instance.name)")
            }
            #expect(waitFor { Set(a.instances()) == ["a", "b", "c"] })
            let status = try b.ctlStatus()
            #expect(status.contains("instances: b (here), a, c") || status.contains("instances: b (here), c, a"), "\(status)")
            #expect(status.contains("OWNER"), "\(status)")

            // A drain on b is obeyed everywhere, says who and where, and traffic stops reaching web-2.
            #expect(try b.operate("drain", "web-2") == 200)
            for instance in all {
                #expect(waitFor { ["draining", "drained"].contains(instance.state("web-2") ?? "") }, "\(instance.name)")
                #expect(instance.hasEvent(isOperator("drain", by: "b")), "\(instance.name)")
                #expect(instance.answers() == Array(repeating: "web-1", count: 20), "\(instance.name)")
            }

            // A late joiner sees the drain at once.
            let d = try MeshProcess("d", registry: etcd.url)
            defer { d.stop() }
            #expect(waitFor { d.state("web-1") == "healthy" && ["draining", "drained"].contains(d.state("web-2") ?? "") })
            #expect(d.answers() == Array(repeating: "web-1", count: 20))

            // Restored on c: back in rotation on every instance.
            #expect(try c.operate("restore", "web-2") == 200)
            for instance in all + [d] {
                #expect(waitFor { instance.state("web-2") == "healthy" }, "\(instance.name)")
                #expect(waitFor { Set(instance.answers(12)) == ["web-1", "web-2"] }, "\(instance.name)")
            }

            // Drained on d, then a (the owner) restarts: its endpoints leave with it, come back
            // with it, and the drain still holds, on a too.
            #expect(try d.operate("drain", "web-1") == 200)
            #expect(waitFor { a.state("web-1") == "drained" })
            a.stop()
            #expect(waitFor { b.endpoints().isEmpty && b.hasEvent(isInstance("a", "left")) })
            a = try MeshProcess("a", registry: etcd.url, endpoints: [("web-1", web1.address), ("web-2", web2.address)])
            for instance in [a, b] {
                #expect(waitFor { instance.state("web-2") == "healthy" && ["draining", "drained"].contains(instance.state("web-1") ?? "") },
                        "\(instance.name)")
                #expect(instance.answers() == Array(repeating: "web-2", count: 20), "\(instance.name)")
            }
        }
    }

    /// While etcd is frozen every instance keeps serving, says so once, and catches up after
    /// without dropping anything (etcd drops every lease when it wakes). An instance killed
    /// with SIGKILL is lost on the others, and its endpoints go once their grace is over.
    @Test func aFrozenEtcdChangesNothingAndAKilledInstanceGoesWithItsLease() throws {
        try withEtcd { etcd in
            let web1 = try NamedBackend("web-1"), web2 = try NamedBackend("web-2")
            defer { web1.stop(); web2.stop() }
            let a = try MeshProcess("a", registry: etcd.url, endpoints: [("web-1", web1.address)])
            defer { a.stop() }
            let b = try MeshProcess("b", registry: etcd.url, endpoints: [("web-2", web2.address)])
            defer { b.kill9() }
            for instance in [a, b] {
                #expect(waitFor { Set(instance.answers(12)) == ["web-1", "web-2"] }, "\(instance.name)")
            }

            etcd.freeze()
            // Longer than the 10 s lease: requests through both keep succeeding, on both endpoints.
            var served: [String] = []
            let until = Date().addingTimeInterval(14)
            while Date() < until {
                served += [a.ask() ?? "failed through a", b.ask() ?? "failed through b"]
                usleep(300_000)
            }
            etcd.thaw()
            #expect(!served.contains { $0.hasPrefix("failed") }, "\(served.filter { $0.hasPrefix("failed") })")
            #expect(Set(served) == ["web-1", "web-2"])
            for instance in [a, b] {
                let notices = { instance.events().filter { ($0["detail"] as? String)?.hasPrefix("etcd") == true } }
                #expect(waitFor(40) { notices().contains { ($0["detail"] as? String)?.hasPrefix("etcd is back") == true } }, "\(instance.name)")
                // Once each way.
                #expect(notices().count == 2, "\(instance.name): \(notices())")
                #expect(!instance.hasEvent { $0["type"] as? String == "registry" && $0["action"] as? String == "deregistered" }, "\(instance.name)")
            }
            #expect(waitFor { Set(a.instances()) == ["a", "b"] && Set(a.answers(12)) == ["web-1", "web-2"] })

            b.kill9()
            #expect(waitFor(40) { a.hasEvent(isInstance("b", "lost")) })
            #expect(waitFor(40) { a.endpoints()["web-2"] == nil })
            #expect(a.instances() == ["a"])
            #expect(a.answers() == Array(repeating: "web-1", count: 20))
        }
    }

    /// Three etcd members; the one every instance talks to is killed while registrations and
    /// drains happen. Nothing is lost and no request through any instance fails.
    @Test func losingTheEtcdMemberInUseLosesNothing() throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        let members = EtcdServer.cluster(of: 3)
        defer { members.forEach { $0.stop() } }
        try EtcdServer.start(members)
        let registry = "etcd://" + members.map(\.member).joined(separator: ",")
        let web1 = try NamedBackend("web-1"), web2 = try NamedBackend("web-2"), api = try NamedBackend("api")
        defer { [web1, web2, api].forEach { $0.stop() } }
        let a = try MeshProcess("a", registry: registry, endpoints: [("web-1", web1.address)])
        defer { a.stop() }
        let b = try MeshProcess("b", registry: registry, endpoints: [("web-2", web2.address)])
        defer { b.stop() }
        for instance in [a, b] {
            #expect(waitFor { Set(instance.answers(12)) == ["web-1", "web-2"] }, "\(instance.name)")
        }

        // Requests through both instances, all along.
        let failures = Locked<[String]>([]), stopTraffic = Locked(false), trafficStopped = DispatchSemaphore(value: 0)
        let traffic = Thread {
            while !stopTraffic.value {
                for instance in [a, b] where instance.ask() == nil { failures.mutate { $0.append(instance.name) } }
                usleep(100_000)
            }
            trafficStopped.signal()
        }
        traffic.start()
        var trafficRunning = true
        func endTraffic() {
            guard trafficRunning else { return }
            stopTraffic.mutate { $0 = true }
            trafficStopped.wait()
            trafficRunning = false
        }
        defer { endTraffic() }
        func register(_ id: String, on instance: MeshProcess) -> Int? {
            let body = #"{"Name": "api", "ID": "\#(id)", "Address": "127.0.0.1", "Port": \#(api.port)}"#
            return try? instance.admin("PUT", "/v1/agent/service/register", body: body).status
        }
        #expect(register("api-1", on: a) == 200)
        #expect(register("api-2", on: b) == 200)
        members[0].kill()
        #expect(register("api-3", on: a) == 200)
        #expect(try b.operate("drain", "web-1") == 200)
        #expect(register("api-4", on: b) == 200)

        func apis(_ instance: MeshProcess) -> [String] {
            let services = instance.mesh()?["services"] as? [[String: Any]] ?? []
            let endpoints = services.first { $0["name"] as? String == "api" }?["endpoints"] as? [[String: Any]] ?? []
            return endpoints.compactMap { $0["id"] as? String }.sorted()
        }
        for instance in [a, b] {
            #expect(waitFor(40) { apis(instance) == ["api-1", "api-2", "api-3", "api-4"] }, "\(instance.name): \(apis(instance))")
            #expect(waitFor(40) { ["draining", "drained"].contains(instance.state("web-1") ?? "") }, "\(instance.name)")
            #expect(instance.answers() == Array(repeating: "web-2", count: 20), "\(instance.name)")
        }
        #expect(try a.operate("restore", "web-1") == 200)
        #expect(waitFor { Set(b.answers(12)) == ["web-1", "web-2"] })
        endTraffic()
        #expect(failures.value.isEmpty, "requests failed through \(failures.value)")
    }

    /// Two hosts on one machine: network namespaces joined by a veth pair, etcd on the first.
    /// Each instance owns a backend on its own host and routes to the other's across the link.
    @Test func instancesOnTwoHostsShareOneMesh() throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        let hosts: NetworkPair
        do {
            hosts = try NetworkPair.make()
        } catch {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("cannot make network namespaces (CI must, as root with iproute2): \(error)")
            } else {
                print("skipped: cannot make network namespaces (needs root and iproute2): \(error)")
            }
            return
        }
        defer { hosts.remove() }
        let etcd = EtcdServer(host: hosts.left.address, in: hosts.left)
        defer { etcd.stop() }
        try etcd.start()
        let web1 = try NamedBackend("web-1", host: hosts.left.address, port: 8001, in: hosts.left)
        let web2 = try NamedBackend("web-2", host: hosts.right.address, port: 8002, in: hosts.right)
        defer { web1.stop(); web2.stop() }
        let a = try MeshProcess("a", registry: etcd.url, endpoints: [("web-1", web1.address)], in: hosts.left)
        defer { a.stop() }
        let b = try MeshProcess("b", registry: etcd.url, endpoints: [("web-2", web2.address)], in: hosts.right)
        defer { b.stop() }

        // Each reaches the other host's backend through the link.
        for instance in [a, b] {
            #expect(waitFor { Set(instance.answers(12)) == ["web-1", "web-2"] }, "\(instance.name)")
            #expect(Set(instance.instances()) == ["a", "b"])
        }
        #expect(b.endpoints()["web-1"]?["address"] as? String == web1.address)
        #expect(try b.operate("drain", "web-1") == 200)
        #expect(waitFor { ["draining", "drained"].contains(a.state("web-1") ?? "") })
        #expect(a.hasEvent(isOperator("drain", by: "b")))
        #expect(a.answers() == Array(repeating: "web-2", count: 20))
    }
}

extension SharedMeshTests {
    /// web-3 is a's process: b's kill stops it on a (the only instance running it) and shows it
    /// killed everywhere; a restore given on b starts it again on a.
    @Test func aSupervisedEndpointIsKilledAndRestartedWhereItRuns() throws {
        try withEtcd { etcd in
            let port = Executable.freePort()
            let script = ConsulLibrary.fixtures.appendingPathComponent("named_server.py").path
            let a = try MeshProcess("a", registry: etcd.url, endpoints: [("web-3", "127.0.0.1:\(port)")],
                                    commands: ["web-3": "\(ConsulLibrary.python) \(script) web-3 \(port)"])
            defer { a.stop() }
            let b = try MeshProcess("b", registry: etcd.url)
            defer { b.stop() }
            #expect(waitFor { b.state("web-3") == "healthy" && b.ask() == "web-3" })
            #expect(b.endpoints()["web-3"]?["supervised"] as? Bool == true)

            #expect(try b.operate("kill", "web-3") == 200)
            #expect(waitFor { a.state("web-3") == "killed" && b.state("web-3") == "killed" })
            #expect(waitFor { !Executable.connects(port: port) }, "a's process still answers")
            #expect(a.hasEvent(isOperator("kill", by: "b")))

            #expect(try b.operate("restore", "web-3") == 200)
            #expect(waitFor { Executable.connects(port: port) }, "a did not start its process again")
            #expect(waitFor { b.state("web-3") == "healthy" && b.ask() == "web-3" })
        }
    }

    @Test func instanceMistakesAreOneLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("instance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "services:\n  - name: web\n    listen: 127.0.0.1:\(Executable.freePort())\n".write(to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let alone = try Executable("mesh-top").run(["run", "--config", "m.yaml", "--headless", "--instance", "a"], in: dir)
        #expect(alone.status == 1)
        #expect(alone.stderr == "mesh-top: --instance names this instance in a shared mesh: give --registry etcd://… too\n")
        let slash = try Executable("mesh-top").run(["run", "--config", "m.yaml", "--headless", "--instance", "a/b",
                                                    "--registry", "etcd://127.0.0.1:1"], in: dir)
        #expect(slash.status == 1)
        #expect(slash.stderr == "mesh-top: --instance 'a/b': expected letters, digits, '-', '_' or '.' (at most 64)\n")
    }
}
