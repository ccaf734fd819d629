import Foundation
import MeshTestSupport
import Testing

/// Consul's service and check model through unchanged Consul client libraries (python-consul and
/// py-consul) against the real binary: one scenario of `Fixtures/consul_model.py` each.
@Suite struct ConsulLibraryTests {
    /// A service that takes its endpoints from registrations, behind a real listener.
    static var yaml: String { """
        services:
          - name: api
            listen: 127.0.0.1:\(Executable.freePort())
            protocol: http
            balancer: round-robin
            health: {type: tcp, interval: 1s, timeout: 500ms}
        """ }

    func scenario(_ library: ConsulLibrary, _ name: String, _ arguments: [String] = [], on mesh: RunningMesh) throws -> [String: Any] {
        let run = try library.run(script: "consul_model.py", [name, String(mesh.admin)] + arguments)
        #expect(run.status == 0, "\(library.rawValue) \(name): \(run.stderr)")
        return run.json
    }

    /// Field case 10: one TTL report sets Consul's status at once (warn is warning, one fail is
    /// critical) and `?passing` holds only passing instances.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func ttlReportsSetConsulsStatusAtOnce(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "ttl", [String(Executable.freePort())], on: mesh)
        #expect(seen["initial"] as? [String] == ["critical"])
        let steps = try #require(seen["steps"] as? [[String: Any]])
        #expect(steps.map { $0["ok"] as? Bool } == [true, true, true, true])
        #expect(steps.map { $0["status"] as? [String] } == [["passing"], ["warning"], ["critical"], ["passing"]])
        #expect(steps.map { $0["passing"] as? [String] } == [["api-1"], [], [], ["api-1"]])
        #expect(steps.map { $0["output"] as? [String] } == [["step pass"], ["step warn"], ["step fail"], ["step pass"]])
        #expect(mesh.stop() == 0)
        #expect(mesh.hasEvent(#""type":"check""#, #""check":"service:api-1""#, #""output":"step warn""#, #""to":"warning""#))
    }

    /// Field case 14: `?tag=` filters; several tags must all be carried.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func tagsFilterHealthAndCatalog(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "tags", [String(Executable.freePort())], on: mesh)
        #expect(seen["v1"] as? [String] == ["api-1"])
        #expect(seen["nope"] as? [String] == [])
        #expect(seen["catalog_v2"] as? [String] == ["api-2"])
        if library == .pyConsul {
            #expect(seen["v1_and_blue"] as? [String] == ["api-1"])
            #expect(seen["v1_and_v2"] as? [String] == [])
        }
    }

    /// HTTP and TCP checks given at registration run on mesh-top's prober: 2xx passing, 429
    /// warning (still not in `?passing`), 503 critical; a refused connect critical.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func httpAndTCPChecksRunOnMeshTopsProber(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let backend = Executable.freePort(), closed = Executable.freePort()
        let statefile = FileManager.default.temporaryDirectory.appendingPathComponent("status-\(UUID().uuidString)").path
        let server = Process()
        server.executableURL = URL(fileURLWithPath: ConsulLibrary.python)
        server.arguments = [ConsulLibrary.fixtures.appendingPathComponent("status_server.py").path, String(backend), statefile]
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        #expect(mesh.waitFor { Executable.connects(port: backend) })
        let seen = try scenario(library, "checks", [String(backend), statefile, String(closed)], on: mesh)
        #expect(seen["http_first"] as? String == "passing")
        #expect(seen["tcp_open"] as? String == "passing")
        #expect(seen["http_429"] as? String == "warning")
        #expect(seen["warning_in_passing"] as? [String] == (library == .pyConsul ? [] : ["api-3"]))
        #expect(seen["http_503"] as? String == "critical")
        #expect(seen["http_output"] as? String == "HTTP GET http://127.0.0.1:\(backend)/health: status 503")
        #expect(seen["tcp_closed_output"] as? Bool == true)
        #expect(seen["tcp_closed"] as? String == "critical")
        #expect(seen["types"] as? [String] == ["http", "tcp"])
    }

    /// Consul's maintenance mode drains the instance: out of `?passing` with Consul's
    /// maintenance check, the reason in the events; disabling it restores the instance.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func maintenanceModeDrains(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "maintenance", [String(Executable.freePort())], on: mesh)
        #expect(seen["before"] as? [String] == ["api-1"])
        #expect(seen["enable"] as? Bool == true)
        #expect(seen["during"] as? [String] == [])
        #expect(seen["maintenance"] as? [[String]] == [["_service_maintenance:api-1", "critical", "kernel upgrade"]])
        #expect(seen["disable"] as? Bool == true)
        #expect(seen["after"] as? [String] == ["api-1"])
        // Headless events are complete once mesh-top has stopped (stdout to a file is buffered).
        #expect(mesh.stop() == 0)
        #expect(mesh.hasEvent(#""type":"operator""#, #""action":"drain","by":"consul","reason":"kernel upgrade""#, #""target":"api/api-1""#))
        #expect(mesh.hasEvent(#""type":"endpoint.state""#, #""endpoint":"api/api-1""#, #""to":"draining""#))
    }

    /// The routes common tools call, read through the library.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func theRoutesToolsCall(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let port = Executable.freePort()
        let seen = try scenario(library, "routes", [String(port)], on: mesh)
        #expect(seen["datacenter"] as? String == "dc1" && seen["node"] as? String == "mesh-top")
        #expect(seen["leader"] as? String == "127.0.0.1:\(mesh.admin)")
        #expect(seen["peers"] as? [String] == ["127.0.0.1:\(mesh.admin)"])
        #expect(seen["nodes"] as? [String] == ["mesh-top"] && seen["datacenters"] as? [String] == ["dc1"])
        #expect(seen["services"] as? [String: [String]] == ["api": ["v1"]])
        #expect(seen["agent_services"] as? [String] == ["api-1"] && seen["agent_checks"] as? [String] == ["service:api-1"])
        #expect(seen["critical"] as? [String] == ["service:api-1"] && seen["any"] as? [String] == ["service:api-1"])
        let catalog = try #require(seen["catalog_api"] as? [[Any]])
        #expect(catalog.first?[0] as? String == "api-1" && catalog.first?[1] as? Int == port)
        // The one node, as a serf member (alive) and with its instances; Consul's null for another.
        let members = try #require(seen["members"] as? [[Any]])
        #expect(members.count == 1 && members.first?[0] as? String == "mesh-top" && members.first?[2] as? Int == 1)
        let nodeServices = try #require(seen["node_services"] as? [String: [Any]])
        #expect(Array(nodeServices.keys) == ["api-1"])
        #expect(nodeServices["api-1"]?.first as? String == "api" && nodeServices["api-1"]?.last as? Int == port)
        #expect(seen["node_address"] as? String == "127.0.0.1")
        #expect(seen["no_node"] is NSNull)
    }

    /// Blocking queries as the libraries' watchers use them: the returned index waits out
    /// `wait`, a change answers at once with a greater index.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func blockingQueriesThroughTheLibrary(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "blocking", [String(Executable.freePort())], on: mesh)
        #expect((seen["index"] as? Int ?? 0) >= 1)
        #expect((seen["unchanged_seconds"] as? Double ?? 0) >= 1.8)
        #expect(seen["unchanged_index"] as? Int == seen["index"] as? Int)
        #expect((seen["changed_seconds"] as? Double ?? 99) < 20)
        #expect((seen["changed_index"] as? Int ?? 0) > (seen["unchanged_index"] as? Int ?? .max))
        #expect(seen["changed_ids"] as? [String] == ["api-1"])
    }

    /// DeregisterCriticalServiceAfter, raised to Consul's minute, in mesh time: a demo at speed.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func aLongCriticalInstanceIsDeregistered(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(demoAtSpeed: 20)
        defer { mesh.stop() }
        let seen = try scenario(library, "reap", on: mesh)
        #expect(seen["registered"] as? Bool == true && seen["status"] as? String == "critical")
        #expect(seen["gone"] as? Bool == true)
        #expect(mesh.stop() == 0)
        #expect(mesh.hasEvent(#""type":"registry""#, #""action":"deregistered""#, "(DeregisterCriticalServiceAfter)"))
    }

    /// Consul's refusals through the library: an unknown key in a definition is a 400 in
    /// Consul's words and registers nothing; the last of a key given twice counts; unknown IDs
    /// are 404s; an output past 4 KiB is cut as Consul cuts it; a wait without a unit is a 400.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func consulsRefusalsReachTheLibrary(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "refusals", [String(Executable.freePort())], on: mesh)
        let unknown = try #require(seen["unknown_field"] as? String)
        #expect(unknown.hasPrefix("400 ") && unknown.contains(#"Request decode failed: json: unknown field \"Nottes\""#), "\(unknown)")
        #expect(seen["after_refusal"] as? [String] == [])
        #expect(seen["ttl"] as? String == "30s")
        #expect(seen["deregister_unknown"] as? Bool == false && seen["pass_unknown"] as? Bool == false)
        #expect(seen["output"] as? String == String(repeating: "x", count: 4096) + " ... (captured 4096 of 10000 bytes)")
        let wait = try #require(seen["bad_wait"] as? String)
        #expect(wait.hasPrefix("400 ") && wait.contains("Invalid wait time"), "\(wait)")
    }

    /// A TTL check registered apart from its service joins the instance: critical until its
    /// first report, then passing; a check of an unknown service is a 404.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func aCheckRegisteredApartFromItsService(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "checkreg", [String(Executable.freePort())], on: mesh)
        #expect(seen["registered"] as? Bool == true && seen["checks"] as? [String] == ["heartbeat"])
        #expect(seen["initial"] as? String == "critical" && seen["passed"] as? Bool == true)
        #expect(seen["passing"] as? [String] == ["api-1"])
        #expect(seen["orphan"] as? Bool == false && seen["after"] as? [String] == ["heartbeat"])
    }

    /// What only py-consul sends: Meta, Weights, several checks, `replace-existing-checks`, PUT deregister.
    @Test func pyConsulsRicherRegistrations() throws {
        let library = ConsulLibrary.pyConsul
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "fork", [String(Executable.freePort())], on: mesh)
        #expect(seen["meta"] as? [String: String] == ["zone": "b", "team": "core"])
        #expect(seen["weights"] as? [String: Int] == ["Passing": 30, "Warning": 3])
        #expect(seen["checks"] as? [String] == ["service:api-1:1", "service:api-1:2"])
        #expect(seen["replaced"] as? [String] == ["service:api-1"])
        #expect(seen["deregistered"] as? Bool == true && seen["after"] as? [String] == [])
    }
}
