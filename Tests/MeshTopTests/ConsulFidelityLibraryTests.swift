import Foundation
import MeshTestSupport
import Testing

/// The edges of Consul's model through unchanged Consul client libraries against the real
/// binary (`Fixtures/consul_fidelity.py`): reports to checks that take none, checks
/// deregistered apart from their service, node maintenance, an empty address, filters.
@Suite struct ConsulFidelityLibraryTests {
    /// `api` takes registrations; `web` has a run-file endpoint checked by mesh-top over HTTP.
    static var yaml: String { """
        services:
          - name: api
            listen: 127.0.0.1:\(Executable.freePort())
            protocol: http
            health: {type: tcp, interval: 1s, timeout: 500ms}
          - name: web
            listen: 127.0.0.1:\(Executable.freePort())
            protocol: http
            health: {type: http, path: /health, interval: 1s, timeout: 500ms}
            endpoints:
              - {id: web-1, address: "127.0.0.1:\(Executable.freePort())"}
        """ }

    func scenario(_ library: ConsulLibrary, _ name: String, _ arguments: [String], on mesh: RunningMesh) throws -> [String: Any] {
        let run = try library.run(script: "consul_fidelity.py", [name, String(mesh.admin)] + arguments)
        #expect(run.status == 0, "\(library.rawValue) \(name): \(run.stderr)")
        return run.json
    }

    /// An instance registered without an address reads back as Consul shows it (empty, the
    /// node's address beside it); a report to the run-file endpoint's check is Consul's 500,
    /// which the library raises; a check deregistered apart leaves its instance with the rest;
    /// a service deregistered takes its checks.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func checksAndAddressesAsConsulHasThem(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "checks", [String(Executable.freePort())], on: mesh)
        #expect(seen["agent_address"] as? String == "")
        #expect(seen["catalog_address"] as? [[String]] == [["", "127.0.0.1"]])
        #expect(seen["health_address"] as? [String] == [""])
        #expect(seen["configured_type"] as? String == "http")
        let refused = try #require(seen["configured_pass"] as? String)
        #expect(refused.contains("500") && refused.contains(#"CheckID \"service:web-1\" does not have associated TTL"#), "\(refused)")
        #expect(seen["deregistered"] as? Bool == true && seen["checks_left"] as? [String] == ["heartbeat"])
        #expect(seen["heartbeat"] as? String == "passing" && seen["passing"] as? [String] == ["api-1"])
        #expect(seen["deregister_unknown"] as? Bool == false)
        #expect(seen["checks_after"] as? [String] == [])
    }

    /// Node maintenance: Consul's `_node_maintenance` check, with the instance's own in its
    /// entry and the node's, and no instance passing until it ends.
    @Test(arguments: [ConsulLibrary.pythonConsul, .pyConsul])
    func nodeMaintenanceTakesTheInstancesOut(_ library: ConsulLibrary) throws {
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "node", [String(Executable.freePort())], on: mesh)
        #expect(seen["before"] as? [String] == ["api-1"])
        #expect(seen["enable"] as? Bool == true)
        #expect(seen["check"] as? [String] == ["critical", "rack move", ""])
        #expect(seen["during"] as? [String] == [])
        #expect(seen["in_entry"] as? [String] == ["_node_maintenance", "service:api-1"])
        #expect((seen["node_checks"] as? [String])?.contains("_node_maintenance") == true)
        #expect(seen["disable"] as? Bool == true && seen["after"] as? [String] == ["api-1"])
        #expect(seen["check_after"] as? Bool == false)
        #expect(mesh.stop() == 0)
        #expect(mesh.hasEvent(#""type":"node""#, #""maintenance":"rack move""#))
        #expect(mesh.hasEvent(#""type":"operator""#, #""action":"drain","by":"consul","reason":"rack move""#, #""target":"web/web-1""#))
    }

    /// py-consul's `filter_expr`: Consul's filter expressions select, a bad one is a 400 the
    /// library raises with go-bexpr's words.
    @Test func pyConsulsFilterExpressions() throws {
        let library = ConsulLibrary.pyConsul
        guard library.available() else { return }
        let mesh = try RunningMesh(run: Self.yaml)
        defer { mesh.stop() }
        let seen = try scenario(library, "filter", [String(Executable.freePort()), String(Executable.freePort())], on: mesh)
        #expect(seen["v2"] as? [String] == ["api-1"])
        #expect(seen["staging"] as? [String] == ["api-2"])
        #expect(seen["critical_checks"] as? [String] == ["service:api-2"])
        #expect(seen["passing_checks"] as? [String] == ["api-1"])
        let bad = try #require(seen["bad"] as? String)
        #expect(bad.hasPrefix("BadRequest: 400") && bad.contains("Failed to create boolean expression evaluator"), "\(bad)")
    }
}
