import Foundation
@testable import MeshAdmin
import MeshCore
import NIOHTTP1
import Testing

/// `PUT /v1/agent/check/register`: a check registered apart from its service joins the
/// instance as if it had come with it (Consul's `AgentRegisterCheck`, `CheckDefinition`).
@Suite struct ConsulCheckRegisterTests {
    let helper = AdminAPITests()
    let consul = ConsulAPITests()
    let checks = ConsulChecksTests()

    @Test func aCheckRegisteredApartJoinsItsInstance() throws {
        let control = EngineSession()
        let api = consul.api(control)
        func register(_ body: String) throws -> AdminResponse { try helper.ask(api, .PUT, "/v1/agent/check/register", body: body) }
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101}"#).status == .ok)
        // Its ID is its name when it gives none; it starts critical, as a check with its service would.
        #expect(try register(#"{"name": "heartbeat", "serviceid": "api-1", "ttl": "30s", "notes": "beats"}"#).status == .ok)
        let agentChecks = try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))
        let heartbeat = try #require(agentChecks["heartbeat"] as? [String: Any])
        #expect(heartbeat["ServiceID"] as? String == "api-1" && heartbeat["Name"] as? String == "heartbeat")
        #expect(heartbeat["Status"] as? String == "critical" && heartbeat["Notes"] as? String == "beats" && heartbeat["Type"] as? String == "ttl")
        #expect(try checks.passingIDs(api, "api") == [])
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/heartbeat").status == .ok)
        #expect(try checks.passingIDs(api, "api") == ["api-1"])
        // A second one, by its ID: the first keeps its status; the instance is its worst check.
        #expect(try register(#"{"ID": "disk", "Name": "Disk", "ServiceID": "api-1", "TTL": "30s"}"#).status == .ok)
        #expect(try checks.status(api, "heartbeat") == "passing" && checks.status(api, "disk") == "critical")
        #expect(try checks.passingIDs(api, "api") == [])
        // The same ID again replaces that check, keeping its status.
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/disk").status == .ok)
        #expect(try register(#"{"ID": "disk", "Name": "Disk space", "ServiceID": "api-1", "TTL": "60s"}"#).status == .ok)
        let disk = try #require(try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["disk"] as? [String: Any])
        #expect(disk["Name"] as? String == "Disk space" && disk["Status"] as? String == "passing")
        #expect(try checks.passingIDs(api, "api") == ["api-1"])
    }

    @Test func whatConsulRefusesIsRefusedAndChangesNothing() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101}"#).status == .ok)
        let before = control.currentState()
        let cases: [(String, HTTPResponseStatus, String)] = [
            (#"{"Name": "hb", "ServiceID": "nosuch", "TTL": "30s"}"#, .notFound, #"ServiceID "nosuch" does not exist"#),
            (#"{"ServiceID": "api-1", "TTL": "30s"}"#, .badRequest, "body.Name: Missing check name"),
            (#"{"Name": "hb", "TTL": "30s"}"#, .badRequest,
             "body.ServiceID: required: mesh-top's checks are its service instances' (Consul's node checks are out of its scope)"),
            (#"{"Name": "hb", "ServiceID": "api-1", "TTL": "30s", "Intervall": "5s"}"#, .badRequest,
             #"body.Intervall: Request decode failed: json: unknown field "Intervall""#),
            (#"{"Name": "hb", "ServiceID": "api-1"}"#, .badRequest,
             "body.TTL: Invalid check: TTL must be > 0 for TTL checks (or give HTTP or TCP with an Interval)"),
            (#"{"Name": "hb", "ServiceID": "web-1", "TTL": "30s"}"#, .conflict,
             "ID 'web-1' is the configured endpoint web/web-1: the registry API can neither replace nor remove it (drain or kill it instead)"),
        ]
        for (body, status, message) in cases {
            let answer = try helper.ask(api, .PUT, "/v1/agent/check/register", body: body)
            #expect(answer.status == status, "\(body)")
            #expect(try helper.errorText(answer) == message, "\(body)")
        }
        #expect(control.currentState() == before)
        #expect(try helper.ask(api, .POST, "/v1/agent/check/register", body: "{}").status == .methodNotAllowed)
    }
}
