import Foundation
@testable import MeshAdmin
import MeshCore
import NIOHTTP1
import Testing

/// Request bodies and query parameters read as Consul reads them (`lib.DecodeJSON`, Go's
/// `encoding/json`, `agent/http.go` `parseWait`), and refused in Consul's words.
@Suite struct ConsulDecodingTests {
    let helper = AdminAPITests()
    let consul = ConsulAPITests()

    @Test func aKeyConsulDoesNotKnowIsRefusedWhereverItIs() throws {
        let control = EngineSession()
        let api = consul.api(control)
        let before = control.currentState()
        let cases: [(String, String)] = [
            (#"{"Name": "api", "Port": 9101, "Adress": "10.0.0.1"}"#, #"body.Adress: Request decode failed: json: unknown field "Adress""#),
            (#"{"Name": "api", "Port": 9101, "Check": {"TTL": "30s", "Nottes": "x"}}"#,
             #"body.Check.Nottes: Request decode failed: json: unknown field "Nottes""#),
            (#"{"Name": "api", "Port": 9101, "Checks": [{"TTL": "30s"}, {"TTL": "30s", "Script": "/bin/true"}]}"#,
             #"body.Checks[1].Script: Request decode failed: json: unknown field "Script""#),
            (#"{"Name": "api", "Port": 9101, "Weights": {"Passing": 3, "Critical": 0}}"#,
             #"body.Weights.Critical: Request decode failed: json: unknown field "Critical""#),
        ]
        for (body, message) in cases {
            let answer = try consul.register(api, body)
            #expect(answer.status == .badRequest, "\(body)")
            #expect(try helper.errorText(answer) == message, "\(body)")
        }
        #expect(control.currentState() == before)
        // Every key Consul's own clients send is known, in any case and by its aliases.
        let ok = try consul.register(api, #"""
            {"ID": "api-1", "NAME": "api", "Port": 9101, "Token": "", "Namespace": "", "TaggedAddresses": null, "Locality": null,
             "Check": {"CheckID": "beat", "TTL": "30s", "Notes": "n", "Status": "passing", "OutputMaxSize": 4096,
                       "ServiceID": "", "DeregisterCriticalServiceAfter": "90m", "TLSSkipVerify": false}}
            """#)
        #expect(ok.status == .ok)
        let update = try helper.ask(api, .PUT, "/v1/agent/check/update/beat", body: #"{"Status": "warning", "Outptu": "x"}"#)
        #expect(update.status == .badRequest)
        #expect(try helper.errorText(update) == #"body.Outptu: Request decode failed: json: unknown field "Outptu""#)
        #expect(try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["beat"].flatMap { ($0 as? [String: Any])?["Status"] as? String } == "passing")
    }

    @Test func keysMatchInAnyCaseAndTheLastGivenCounts() throws {
        let control = EngineSession()
        let api = consul.api(control)
        // Go assigns each key to its field in the order given: the last match wins.
        let ok = try consul.register(api, #"""
            {"Name": "first", "name": "api", "ID": "api-1", "Port": 1, "PORT": 9101, "tags": ["b"], "Tags": ["a"],
             "Check": {"TTL": "1s", "ttl": "30s"}}
            """#)
        #expect(ok.status == .ok)
        let service = try #require(try consul.object(try helper.ask(api, .GET, "/v1/agent/services"))["api-1"] as? [String: Any])
        #expect(service["Service"] as? String == "api" && service["Port"] as? Int == 9101)
        #expect(service["Tags"] as? [String] == ["a"])
        // An empty ID or CheckID is none, as in Consul: the name, and Consul's check ID.
        #expect(try consul.register(api, #"{"Name": "cache", "ID": "", "Port": 9102, "Check": {"CheckID": "", "TTL": "30s"}}"#).status == .ok)
        #expect(try consul.object(try helper.ask(api, .GET, "/v1/agent/services"))["cache"] != nil)
        #expect(try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["service:cache"] != nil)
        let check = try #require(try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["service:api-1"] as? [String: Any])
        #expect((check["Definition"] as? [String: Any])?["TTL"] as? String == "30s")
    }

    @Test func aRegistrationWithoutWeightsShowsConsulsDefault() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101}"#).status == .ok)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-2", "Port": 9102, "Weights": {"Passing": 100}}"#).status == .ok)
        func weights(_ id: String) throws -> [String: Int]? {
            let services = try consul.object(try helper.ask(api, .GET, "/v1/agent/services"))
            return (services[id] as? [String: Any])?["Weights"] as? [String: Int]
        }
        // Consul's agent gives a registration without Weights {Passing: 1, Warning: 1}.
        #expect(try weights("api-1") == ["Passing": 1, "Warning": 1])
        let health = try consul.list(try helper.ask(api, .GET, "/v1/health/service/api"))
        let shown = health.compactMap { ($0["Service"] as? [String: Any])?["Weights"] as? [String: Int] }
        #expect(shown == [["Passing": 1, "Warning": 1], ["Passing": 100, "Warning": 0]])
        // Given Weights show as given: Warning unset is 0, as Go leaves it.
        #expect(try weights("api-2") == ["Passing": 100, "Warning": 0])
        // The same share in the balancer; once re-weighted, the weight is shown as it is.
        #expect(control.currentState().endpoint(EndpointRef(service: "api", endpoint: "api-1"))?.weight == Endpoint.defaultWeight)
        control.submit(.operate(OperatorCommand(action: .weight, target: EndpointRef(service: "api", endpoint: "api-1"), by: "t", weight: 250)))
        #expect(try weights("api-1") == ["Passing": 250, "Warning": 250])
    }

    @Test func refusalsCarryConsulsWords() throws {
        let control = EngineSession()
        let api = consul.api(control, token: nil)
        func refusal(_ method: HTTPMethod, _ uri: String, _ body: String = "") throws -> (HTTPResponseStatus, String) {
            let answer = try helper.ask(api, method, uri, body: body)
            return (answer.status, try helper.errorText(answer))
        }
        let many = (0..<65).map { #""k\#($0)": "v""# }.joined(separator: ", ")
        let cases: [(HTTPMethod, String, String, HTTPResponseStatus, String)] = [
            (.PUT, "/v1/agent/service/deregister/nosuch", "", .notFound,
             #"Unknown service ID "nosuch". Ensure that the service ID is passed, not the service name."#),
            (.PUT, "/v1/agent/service/maintenance/nosuch?enable=true", "", .notFound,
             #"Unknown service ID "nosuch". Ensure that the service ID is passed, not the service name."#),
            (.PUT, "/v1/agent/service/maintenance/web-1?enable=maybe", "", .badRequest, #"enable: Invalid value for enable: "maybe" (true or false)"#),
            (.PUT, "/v1/agent/check/fail/nosuch", "", .notFound, #"Unknown check ID "nosuch". Ensure that the check ID is passed, not the check name."#),
            (.PUT, "/v1/agent/service/register", #"{"Name": "api", "Port": 9101, "Meta": {\#(many)}}"#, .badRequest,
             "body.Meta: Invalid Service Meta: Node metadata cannot contain more than 64 key/value pairs (got 65)"),
            (.PUT, "/v1/agent/service/register", #"{"Name": "api", "Port": 9101, "Meta": {"k": "\#(String(repeating: "é", count: 257))"}}"#, .badRequest,
             "body.Meta.k: Invalid Service Meta: Value is too long (limit: 512 characters)"),
            (.PUT, "/v1/agent/service/register", #"{"Name": "api", "Port": 9101, "Meta": {"\#(String(repeating: "k", count: 129))": "v"}}"#, .badRequest,
             "body.Meta: Invalid Service Meta: Key is too long (limit: 128 characters)"),
            (.GET, "/v1/health/service/web?index=1&wait=5", "", .badRequest, "wait: Invalid wait time ('5' is not a duration like 30s or 5m)"),
            (.GET, "/v1/health/service/web?max_stale=soon", "", .badRequest, #"max_stale: Invalid max_stale value "soon""#),
            (.GET, "/v1/catalog/services?stale&consistent", "", .badRequest,
             "stale and consistent: Cannot specify ?stale with ?consistent, conflicting semantics."),
            // Routes of the registry not served say what to use instead; unknown IDs are Consul's 404s.
            (.PUT, "/v1/agent/check/deregister/beat", "", .notFound,
             #"Unknown check ID "beat". Ensure that the check ID is passed, not the check name."#),
            (.PUT, "/v1/catalog/deregister", #"{"Node": "n"}"#, .notFound,
             "no Consul route PUT /v1/catalog/deregister in mesh-top: mesh-top is the one node and its own agent; deregister with PUT /v1/agent/service/deregister/ID"),
        ]
        for (method, uri, body, status, message) in cases {
            let (got, text) = try refusal(method, uri, body)
            #expect(got == status, "\(uri)")
            #expect(text == message, "\(uri)")
        }
        // Values that are Consul's limits exactly go through; an empty wait or index is none.
        let edge = #"{"Name": "api", "Port": 9101, "Meta": {"\#(String(repeating: "k", count: 128))": "\#(String(repeating: "v", count: 512))"}}"#
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/register", body: edge).status == .ok)
        #expect(try helper.ask(api, .GET, "/v1/health/service/web?index=&wait=").status == .ok)
    }

    @Test func anOutputPastFourKilobytesIsCutAsConsulCutsIt() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Check": {"TTL": "30s"}}"#).status == .ok)
        func output() throws -> String? {
            let checks = try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))
            return (checks["service:api-1"] as? [String: Any])?["Output"] as? String
        }
        let long = String(repeating: "x", count: 10_000)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/update/service:api-1", body: #"{"Status": "passing", "Output": "\#(long)"}"#).status == .ok)
        #expect(try output() == String(repeating: "x", count: 4096) + " ... (captured 4096 of 10000 bytes)")
        // Cut at a character's start: what is kept stays whole characters.
        let wide = "ab" + String(repeating: "€", count: 2000)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/update/service:api-1", body: #"{"Status": "warning", "Output": "\#(wide)"}"#).status == .ok)
        #expect(try output() == "ab" + String(repeating: "€", count: 1364) + " ... (captured 4094 of 6002 bytes)")
        // At the limit exactly, nothing is cut.
        let exact = String(repeating: "y", count: 4096)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/update/service:api-1", body: #"{"Status": "critical", "Output": "\#(exact)"}"#).status == .ok)
        #expect(try output() == exact)
    }

    @Test func jsonIsReadAsWrittenOrRefusedWithWhereItStopped() throws {
        let value = try JSONValue.parse(Array(#" {"a": [1, -2.5e3, true, null], "s": "\u00e9\ud83d\ude00\n\"", "a": "last"} "#.utf8))
        #expect(value["a"].map { if case .string(let s) = $0 { s } else { "" } } == "last")
        #expect(value["S"].map { if case .string(let s) = $0 { s } else { "" } } == "é😀\n\"")
        guard case .object(let members) = value, case .array(let items) = members[0].value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "s", "a"])
        #expect(items.count == 4 && items[1].double == -2500)
        let bad: [(String, String)] = [
            ("", "unexpected end of input at byte 0"),
            ("{\"a\" 1}", "expected ':' after a member name at byte 5"),
            ("[1,]", "unexpected character ']' where a value should begin at byte 3"),
            ("01", "unexpected data after the top-level value at byte 1"),
            ("\"a\u{01}\"", "control character in a string (escape it) at byte 2"),
            ("\"\\x\"", "invalid escape '\\x' in a string at byte 2"),
            ("1.", "expected a digit in a number at byte 2"),
            ("tru", "unexpected character 't' where a value should begin at byte 0"),
            (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "nested deeper than 64 levels at byte 64"),
        ]
        for (text, message) in bad {
            #expect(syntaxError(text) == message, "\(text)")
        }
        #expect(syntaxError(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) == nil)
    }

    /// Why `text` is not JSON, or nil when it is.
    func syntaxError(_ text: String) -> String? {
        do {
            _ = try JSONValue.parse(Array(text.utf8))
            return nil
        } catch {
            return "\(error)"
        }
    }
}
