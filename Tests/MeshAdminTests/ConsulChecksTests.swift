import Foundation
@testable import MeshAdmin
import MeshCore
import NIOHTTP1
import Testing

/// Consul's check model over the real engine: TTL reports set the status at once, a run's
/// result goes through Consul's thresholds, the worst check is the instance's, a lapsed TTL is
/// critical, a long-critical instance is deregistered, maintenance is drain.
@Suite struct ConsulChecksTests {
    let helper = AdminAPITests()
    let consul = ConsulAPITests()

    func checks(_ api: AdminAPI, service: String) throws -> [[String: Any]] {
        try consul.list(try helper.ask(api, .GET, "/v1/health/checks/\(service)"))
    }

    func status(_ api: AdminAPI, _ check: String) throws -> String? {
        (try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))[check] as? [String: Any])?["Status"] as? String
    }

    func passingIDs(_ api: AdminAPI, _ service: String) throws -> [String] {
        try consul.list(try helper.ask(api, .GET, "/v1/health/service/\(service)?passing")).compactMap {
            ($0["Service"] as? [String: Any])?["ID"] as? String
        }
    }

    func state(_ control: EngineSession, _ id: String, in service: String = "api") -> EndpointState? {
        control.currentState().endpoint(EndpointRef(service: service, endpoint: id))?.state
    }

    @Test func ttlReportsSetTheStatusAtOnce() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Weights": {"Passing": 10, "Warning": 1}, "Check": {"TTL": "30s"}}"#).status == .ok)
        #expect(try status(api, "service:api-1") == "critical")
        #expect(try passingIDs(api, "api") == [])
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/service:api-1?note=all%20good").status == .ok)
        #expect(try status(api, "service:api-1") == "passing")
        #expect(try passingIDs(api, "api") == ["api-1"])
        #expect((try checks(api, service: "api").first?["Output"] as? String) == "all good")
        // warn: warning, left out of ?passing, still in rotation at Weights.Warning.
        #expect(try helper.ask(api, .GET, "/v1/agent/check/warn/service:api-1").status == .ok)
        #expect(try status(api, "service:api-1") == "warning")
        #expect(try passingIDs(api, "api") == [])
        #expect(state(control, "api-1") == .healthy)
        #expect(control.hostSet(of: "api").groups.flatMap(\.hosts).map(\.weight) == [100])
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/service:api-1").status == .ok)
        #expect(control.hostSet(of: "api").groups.flatMap(\.hosts).map(\.weight) == [1000])
        // One fail is critical, and out of rotation.
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/fail/service:api-1").status == .ok)
        #expect(try status(api, "service:api-1") == "critical")
        #expect(state(control, "api-1") == .unhealthy)
        // Go's client reports through /update with a body.
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/update/service:api-1", body: #"{"Status": "warning", "Output": "slow disk"}"#).status == .ok)
        #expect(try status(api, "service:api-1") == "warning")
        let bad = try helper.ask(api, .PUT, "/v1/agent/check/update/service:api-1", body: #"{"Status": "sick"}"#)
        #expect(bad.status == .badRequest)
        #expect(try helper.errorText(bad) == "body.Status: Invalid check status: 'sick' (passing, warning or critical)")
        // A check is named by its CheckID; the service ID is not one.
        let unknown = try helper.ask(api, .PUT, "/v1/agent/check/pass/api-1")
        #expect(unknown.status == .notFound)
        #expect(try helper.errorText(unknown) == "Unknown check ID \"api-1\". Ensure that the check ID is passed, not the check name.")
    }

    @Test func onlyTTLChecksTakeReports() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Check": {"HTTP": "http://127.0.0.1:9101/", "Interval": "10s"}}"#).status == .ok)
        let refused = try helper.ask(api, .PUT, "/v1/agent/check/pass/service:api-1")
        #expect(refused.status == .internalServerError)
        #expect(try helper.errorText(refused) == "CheckID \"service:api-1\" does not have associated TTL")
    }

    @Test func anInstanceIsItsWorstCheck() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Checks": [{"TTL": "30s", "Status": "passing"}, {"TCP": "127.0.0.1:9101", "Interval": "5s"}]}"#).status == .ok)
        #expect(state(control, "api-1") == .unknown)
        control.checkRun("api", "api-1", check: 1, .passing, output: "TCP connect 127.0.0.1:9101: Success")
        #expect(state(control, "api-1") == .healthy)
        #expect(try passingIDs(api, "api") == ["api-1"])
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/warn/service:api-1:1").status == .ok)
        #expect(try passingIDs(api, "api") == [])
        let health = try consul.list(try helper.ask(api, .GET, "/v1/agent/health/service/name/api"))
        #expect(health.first?["AggregatedStatus"] as? String == "warning")
        control.checkRun("api", "api-1", check: 1, .critical, output: "TCP connect 127.0.0.1:9101: refused")
        #expect(state(control, "api-1") == .unhealthy)
        #expect(try consul.list(try helper.ask(api, .GET, "/v1/agent/health/service/name/api")).first?["AggregatedStatus"] as? String == "critical")
    }

    @Test func runsGoThroughConsulsThresholds() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"""
            {"Name": "api", "ID": "api-1", "Port": 9101, "Check": {"HTTP": "http://127.0.0.1:9101/", "Interval": "5s",
             "SuccessBeforePassing": 2, "FailuresBeforeWarning": 1, "FailuresBeforeCritical": 3}}
            """#).status == .ok)
        let check = "service:api-1"
        control.checkRun("api", "api-1", check: 0, .passing)
        #expect(try status(api, check) == "critical")
        control.checkRun("api", "api-1", check: 0, .passing)
        #expect(try status(api, check) == "passing")
        control.checkRun("api", "api-1", check: 0, .critical)
        #expect(try status(api, check) == "warning")
        control.checkRun("api", "api-1", check: 0, .critical)
        #expect(try status(api, check) == "warning")
        control.checkRun("api", "api-1", check: 0, .critical)
        #expect(try status(api, check) == "critical")
        // An HTTP 429 is a warning result, and counts as a success toward passing.
        control.checkRun("api", "api-1", check: 0, .warning)
        control.checkRun("api", "api-1", check: 0, .warning)
        #expect(try status(api, check) == "warning")
    }

    @Test func aLapsedTTLIsCriticalAndALongCriticalInstanceIsDeregistered() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Check": {"TTL": "10s", "DeregisterCriticalServiceAfter": "20s"}}"#).status == .ok)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/service:api-1?note=ok").status == .ok)
        control.advance(to: 9)
        #expect(try status(api, "service:api-1") == "passing")
        control.advance(to: 10.5)
        #expect(try status(api, "service:api-1") == "critical")
        #expect(try checks(api, service: "api").first?["Output"] as? String == "TTL expired (last output before timeout follows): ok")
        // Consul raises DeregisterCriticalServiceAfter under a minute to a minute: critical since 10.5.
        control.advance(to: 70)
        #expect(control.currentState().endpoint(EndpointRef(service: "api", endpoint: "api-1")) != nil)
        control.advance(to: 71)
        #expect(control.currentState().endpoint(EndpointRef(service: "api", endpoint: "api-1")) == nil)
        let gone = control.journal.events(after: 0).compactMap { e -> RegistryChange? in if case .registry(let r) = e.body { r } else { nil } }.last
        #expect(gone?.action == .deregistered)
        #expect(gone?.reason == "check service:api-1 critical for more than 60s (DeregisterCriticalServiceAfter)")
    }

    @Test func maintenanceIsDrainWithConsulsMaintenanceCheck() throws {
        let control = EngineSession()
        let api = consul.api(control)
        let web1 = EndpointRef(service: "web", endpoint: "web-1")
        #expect(try passingIDs(api, "web") == ["web-1"])
        let missing = try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1")
        #expect(missing.status == .badRequest)
        #expect(try helper.errorText(missing) == "enable: Missing value for enable (true or false)")
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1?enable=yes").status == .badRequest)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/nope?enable=true").status == .notFound)

        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1?enable=true&reason=kernel%20upgrade").status == .ok)
        #expect(control.currentState().endpoint(web1)?.state == .draining)
        #expect(try passingIDs(api, "web") == [])
        let maintenance = try #require(try checks(api, service: "web").first { ($0["CheckID"] as? String) == "_service_maintenance:web-1" })
        #expect(maintenance["Status"] as? String == "critical" && maintenance["Notes"] as? String == "kernel upgrade")
        #expect(maintenance["Name"] as? String == "Service Maintenance Mode")
        let health = try helper.ask(api, .GET, "/v1/agent/health/service/id/web-1?format=text")
        #expect(health.status == .serviceUnavailable && String(decoding: health.body, as: UTF8.self) == "maintenance")
        // The reason goes to the events pane with the drain.
        let drain = control.journal.events(after: 0).compactMap { e -> OperatorCommand? in if case .operatorCommand(let c) = e.body { c } else { nil } }.last
        #expect(drain == OperatorCommand(action: .drain, target: web1, by: "consul", reason: "kernel upgrade"))
        // Enabling again changes nothing, as in Consul; disabling restores.
        let seq = control.currentState().seq
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1?enable=true").status == .ok)
        #expect(control.currentState().seq == seq)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1?enable=false").status == .ok)
        #expect(control.currentState().endpoint(web1)?.state == .healthy)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1?enable=false").status == .ok)
        // Registered again, it stays in maintenance (Consul keeps the checks a definition does
        // not name); ?replace-existing-checks drops it with the rest.
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1?enable=false").status == .ok)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "m-1", "Port": 9101}"#).status == .ok)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/m-1?enable=true&reason=patching").status == .ok)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "m-1", "Port": 9101, "Tags": ["new"]}"#).status == .ok)
        let m1 = EndpointRef(service: "api", endpoint: "m-1")
        #expect(control.currentState().endpoint(m1)?.state.isAdministrative == true)
        #expect(control.currentState().endpoint(m1)?.maintenance == "patching")
        #expect(try consul.register(api, #"{"Name": "api", "ID": "m-1", "Port": 9101}"#, query: "?replace-existing-checks").status == .ok)
        #expect(control.currentState().endpoint(m1)?.state.isAdministrative == false)
        // Without a reason, Consul's default words.
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-1?enable=true").status == .ok)
        let notes = try checks(api, service: "web").first { ($0["CheckID"] as? String) == "_service_maintenance:web-1" }?["Notes"] as? String
        #expect(notes == ConsulCatalog.defaultMaintenanceReason)
    }
}
