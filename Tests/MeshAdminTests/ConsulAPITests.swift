import Foundation
@testable import MeshAdmin
import MeshCore
import NIOCore
import NIOHTTP1
import Testing

/// Consul's registration over the real engine: the definition read field by field (any case,
/// Consul's aliases, unknown keys ignored), refusals naming the field, IDs unique across the agent.
@Suite struct ConsulAPITests {
    let helper = AdminAPITests()

    func api(_ control: EngineSession, token: String? = nil) -> AdminAPI {
        AdminAPI(session: control, journal: control.journal, token: token)
    }

    func register(_ api: AdminAPI, _ body: String, query: String = "") throws -> AdminResponse {
        try helper.ask(api, .PUT, "/v1/agent/service/register" + query, body: body)
    }

    func object(_ response: AdminResponse) throws -> [String: Any] {
        try #require(try helper.json(response) as? [String: Any])
    }

    func list(_ response: AdminResponse) throws -> [[String: Any]] {
        try #require(try helper.json(response) as? [[String: Any]])
    }

    @Test func aDefinitionReadsBackAsConsulShowsIt() throws {
        let control = EngineSession()
        let api = api(control)
        // Lower-case keys, as python-consul sends them; Consul's snake_case aliases.
        let ok = try register(api, #"""
            {"name": "api", "id": "api-1", "address": "10.1.2.3", "port": 8080, "tags": ["v2"], "meta": {"zone": "b", "team": "core"},
             "weights": {"passing": 40, "warning": 4}, "enable_tag_override": true,
             "tagged_addresses": {"lan": {"address": "10.1.2.3", "port": 8080}},
             "check": {"ttl": "15s", "notes": "heartbeat"},
             "checks": [{"HTTP": "http://10.1.2.3:8080/health?deep=1", "Interval": "1m30s", "Timeout": 2000000000,
                         "deregister_critical_service_after": "90m", "Name": "deep"},
                        {"tcp": "10.1.2.3:8081", "interval": "500ms", "CheckID": "api-tcp", "status": "passing"}]}
            """#)
        #expect(ok.status == .ok && ok.body.isEmpty)
        let services = try object(try helper.ask(api, .GET, "/v1/agent/services"))
        let service = try #require(services["api-1"] as? [String: Any])
        #expect(service["Service"] as? String == "api" && service["Address"] as? String == "10.1.2.3" && service["Port"] as? Int == 8080)
        #expect(service["Tags"] as? [String] == ["v2"] && service["Meta"] as? [String: String] == ["zone": "b", "team": "core"])
        #expect(service["Weights"] as? [String: Int] == ["Passing": 40, "Warning": 4])
        #expect(service["EnableTagOverride"] as? Bool == true && service["Datacenter"] as? String == "dc1")
        #expect(Set(services.keys) == ["web-1", "web-2", "cache-1", "api-1"])

        let checks = try object(try helper.ask(api, .GET, "/v1/agent/checks"))
        // Consul's IDs: service:ID:N for several checks, the given CheckID where there is one.
        let ttl = try #require(checks["service:api-1:1"] as? [String: Any])
        let http = try #require(checks["service:api-1:2"] as? [String: Any])
        let tcp = try #require(checks["api-tcp"] as? [String: Any])
        #expect(ttl["Type"] as? String == "ttl" && ttl["Status"] as? String == "critical" && ttl["Notes"] as? String == "heartbeat")
        #expect(ttl["Name"] as? String == "Service 'api' check" && ttl["ServiceID"] as? String == "api-1")
        #expect(http["Type"] as? String == "http" && http["Name"] as? String == "deep")
        #expect(http["Interval"] as? String == "1m30s" && http["Timeout"] as? String == "2s")
        let definition = try #require(http["Definition"] as? [String: String])
        #expect(definition["HTTP"] == "http://10.1.2.3:8080/health?deep=1" && definition["DeregisterCriticalServiceAfter"] == "1h30m0s")
        // Under Consul's one-second minimum, the interval is raised to it; a given status is the start.
        #expect(tcp["Type"] as? String == "tcp" && tcp["Interval"] as? String == "1s" && tcp["Status"] as? String == "passing")
        // The worst check is critical by its initial status alone: not checked yet, out of
        // rotation while web has healthy endpoints, and not counted against the service.
        #expect(control.currentState().endpoint(EndpointRef(service: "api", endpoint: "api-1"))?.state == .unknown)
    }

    @Test func badDefinitionsNameTheFieldAndRegisterNothing() throws {
        let control = EngineSession()
        let api = api(control)
        let before = control.currentState()
        let cases: [(String, String)] = [
            ("nope", "body: Request decode failed: not JSON (expected a Consul service definition): unexpected character 'n' where a value should begin at byte 0"),
            ("[1]", "body: expected a JSON object (a Consul service definition), got a list"),
            (#"{"Port": 80}"#, "body.Name: Missing service name"),
            (#"{"Name": "", "Port": 80}"#, "body.Name: Missing service name"),
            (#"{"Name": 7, "Port": 80}"#, "body.Name: expected a string, got 7"),
            (#"{"Name": "web"}"#, "body.Port: required, a whole number 1...65535 (mesh-top routes to Address:Port)"),
            (#"{"Name": "web", "Port": "80"}"#, "body.Port: expected a whole number 1...65535, got '80'"),
            (#"{"Name": "web", "Port": 70000}"#, "body.Port: expected a whole number 1...65535, got 70000"),
            (#"{"Name": "web", "Port": 80.5}"#, "body.Port: expected a whole number 1...65535, got 80.5"),
            // Go decodes an int from an integer literal only, and refuses one past its range.
            (#"{"Name": "web", "Port": 80.0}"#, "body.Port: expected a whole number 1...65535, got 80.0"),
            (#"{"Name": "web", "Port": 8e1}"#, "body.Port: expected a whole number 1...65535, got 8e1"),
            (#"{"Name": "web", "Port": 99999999999999999999999}"#, "body.Port: expected a whole number 1...65535, got 99999999999999999999999"),
            (#"{"Name": "w/b", "Port": 80}"#, "body.Name: 'w/b' cannot contain '/'"),
            (#"{"Name": "web", "Port": 80, "ID": "a/b"}"#, "body.ID: 'a/b' cannot contain '/'"),
            (#"{"Name": "web", "Port": 80, "ID": "a\u0007b"}"#, "body.ID: control characters are not allowed"),
            (#"{"Name": "web\nx", "Port": 80}"#, "body.Name: control characters are not allowed"),
            (#"{"Name": "web", "Port": 80, "Address": "not an address!"}"#, "body.Address: 'not an address!' is not a host name or IP address"),
            (#"{"Name": "web", "Port": 80, "Address": "0.0.0.0"}"#, "body.Address: Invalid service address ('0.0.0.0' is every address, not one mesh-top can route to)"),
            (#"{"Name": "web", "Port": 80, "Tags": "v2"}"#, "body.Tags: expected a list of strings, got 'v2'"),
            (#"{"Name": "web", "Port": 80, "Tags": ["a", 1]}"#, "body.Tags[1]: expected a string, got 1"),
            (#"{"Name": "web", "Port": 80, "Meta": {"k": 1}}"#, "body.Meta.k: expected a string, got 1"),
            (#"{"Name": "web", "Port": 80, "Meta": {"consul-x": "1"}}"#, "body.Meta.consul-x: Invalid Service Meta: Key prefix 'consul-' is reserved for internal use"),
            (#"{"Name": "web", "Port": 80, "Meta": {"a b": "1"}}"#, "body.Meta: Invalid Service Meta: Key contains invalid characters: 'a b' (letters, digits, '-' and '_' only)"),
            (#"{"Name": "web", "Port": 80, "Weights": {"Passing": 0}}"#, "body.Weights.Passing: Invalid Weights: Passing must be greater than 0"),
            (#"{"Name": "web", "Port": 80, "Weights": {"Passing": 5, "Warning": -1}}"#, "body.Weights.Warning: Invalid Weights: Warning must be greater or equal than 0"),
            (#"{"Name": "web", "Port": 80, "EnableTagOverride": "yes"}"#, "body.EnableTagOverride: expected true or false, got 'yes'"),
            (#"{"Name": "web", "Port": 80, "TaggedAddresses": {"lan": "10.0.0.1"}}"#,
             "body.TaggedAddresses.lan: expected an object {\"Address\": …, \"Port\": …}, got a string"),
            (#"{"Name": "web", "Port": 80, "tagged_addresses": {"wan": {"Address": "1.2.3.4", "Port": "80"}}}"#,
             "body.tagged_addresses.wan.Port: expected a whole number 0...65535, got '80'"),
            (#"{"Name": "web", "Port": 80, "TaggedAddresses": {"wan": {"Adress": "1.2.3.4"}}}"#,
             #"body.TaggedAddresses.wan.Adress: Request decode failed: json: unknown field "Adress""#),
            (#"{"Name": "web", "Port": 80, "Kind": "connect-proxy"}"#, "body.Kind: 'connect-proxy' is a Connect kind; Connect is out of mesh-top's scope"),
            (#"{"Name": "web", "Port": 80, "Connect": {"SidecarService": {}}}"#, "body.Connect: Connect is out of mesh-top's scope"),
            (#"{"name": "web", "port": 80, "connect": {"sidecar_service": {}}}"#, "body.Connect: Connect is out of mesh-top's scope"),
            (#"{"Name": "web", "Port": 80, "Check": "ttl"}"#, "body.Check: expected an object, got 'ttl'"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "soon"}}"#, "body.Check.TTL: 'soon' is not a duration like 10s, 1m30s or 500ms"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "-5s"}}"#, "body.Check.TTL: cannot be negative"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "1000h"}}"#, "body.Check.TTL: longer than 30 days (720h)"),
            (#"{"Name": "web", "Port": 80, "Check": {"Notes": "n"}}"#, "body.Check.TTL: Invalid check: TTL must be > 0 for TTL checks (or give HTTP or TCP with an Interval)"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "5s", "Status": "ok"}}"#, "body.Check.Status: Status for checks must 'passing', 'warning', 'critical' (got 'ok')"),
            (#"{"Name": "web", "Port": 80, "Checks": [{"TTL": "5s"}, {"HTTP": "http://a:1/"}]}"#, "body.Checks[1].Interval: Invalid check: Interval must be > 0 for HTTP and TCP checks"),
            (#"{"Name": "web", "Port": 80, "Checks": [{"HTTP": "https://a/", "Interval": "5s"}]}"#,
             "body.Checks[0].HTTP: 'https://a/' is not an http:// URL mesh-top's prober can fetch (plain HTTP, a host, an optional port)"),
            (#"{"Name": "web", "Port": 80, "Check": {"HTTP": "http://a/", "Interval": "5s", "Method": "POST"}}"#, "body.Check.Method: mesh-top's prober checks with GET only"),
            (#"{"Name": "web", "Port": 80, "Check": {"HTTP": "http://a/", "Interval": "5s", "Header": {"X": ["1"]}}}"#, "body.Check.Header: mesh-top's prober sends no custom headers"),
            (#"{"Name": "web", "Port": 80, "Check": {"TCP": "nowhere", "Interval": "5s"}}"#, "body.Check.TCP: 'nowhere' is not host:port"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "5s", "Interval": "5s"}}"#, "body.Check: Invalid check: Interval and TTL cannot both be specified"),
            (#"{"Name": "web", "Port": 80, "Check": {"GRPC": "a:1", "Interval": "5s"}}"#, "body.Check.GRPC: mesh-top runs TTL, HTTP and TCP checks only"),
            (#"{"Name": "web", "Port": 80, "Check": {"args": ["/bin/true"], "Interval": "5s"}}"#, "body.Check.Args: mesh-top runs TTL, HTTP and TCP checks only"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "5s", "FailuresBeforeWarning": 3, "FailuresBeforeCritical": 2}}"#,
             "body.Check.FailuresBeforeWarning: Invalid check: FailuresBeforeWarning can't be higher than FailuresBeforeCritical (3 > 2)"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "5s", "SuccessBeforePassing": -1}}"#, "body.Check.SuccessBeforePassing: expected a whole number 0...10000, got -1"),
            (#"{"Name": "web", "Port": 80, "Checks": [{"TTL": "5s", "CheckID": "c"}, {"TTL": "6s", "CheckID": "c"}]}"#, "body.Checks[1].CheckID: 'c' is given twice"),
            (#"{"Name": "web", "Port": 80, "Checks": [{"TTL": "5s", "CheckID": "a/b"}]}"#, "body.Checks[0].CheckID: 'a/b' cannot contain '/'"),
        ]
        for (body, message) in cases {
            let answer = try register(api, body)
            #expect(answer.status == .badRequest, "\(body)")
            #expect(try helper.errorText(answer) == message, "\(body)")
        }
        #expect(control.currentState() == before)
    }

    @Test func anIDNamesOneInstanceAcrossTheAgent() throws {
        let control = EngineSession()
        let api = api(control, token: "t")
        func put(_ uri: String, _ body: String = "") throws -> AdminResponse { try helper.ask(api, .PUT, uri, body: body, token: "t") }
        func services() throws -> [String: String] {
            try object(try helper.ask(api, .GET, "/v1/agent/services")).mapValues { ($0 as? [String: Any])?["Service"] as? String ?? "?" }
        }
        // A configured endpoint's ID is not the API's to take or to remove (field case r09).
        let taken = try put("/v1/agent/service/register", #"{"Name": "other", "ID": "web-1", "Port": 9999}"#)
        #expect(taken.status == .conflict)
        #expect(try helper.errorText(taken).hasPrefix("ID 'web-1' is the configured endpoint web/web-1"))
        #expect(try put("/v1/agent/service/deregister/web-1").status == .conflict)
        #expect(try services() == ["web-1": "web", "web-2": "web", "cache-1": "cache"])

        // Registered again under another name, an ID moves: one instance, as Consul keys them.
        #expect(try put("/v1/agent/service/register", #"{"Name": "api", "ID": "x-1", "Port": 9101}"#).status == .ok)
        #expect(try put("/v1/agent/service/register", #"{"Name": "web", "ID": "x-1", "Port": 9102}"#).status == .ok)
        #expect(try services() == ["web-1": "web", "web-2": "web", "cache-1": "cache", "x-1": "web"])
        #expect(control.currentState().service("api")?.endpoints.isEmpty == true)
        let moved = control.journal.events(after: 0).compactMap { e -> RegistryChange? in if case .registry(let r) = e.body { r } else { nil } }
        #expect(moved.contains { $0.action == .deregistered && $0.service == "api" && $0.reason == "registered again as web/x-1" })

        // Deregistering removes exactly what agent/services lists under the ID.
        #expect(try put("/v1/agent/service/deregister/x-1").status == .ok)
        #expect(try services() == ["web-1": "web", "web-2": "web", "cache-1": "cache"])
        #expect(try put("/v1/agent/service/deregister/x-1").status == .notFound)
        // The old GET form still needs the token; python-consul's ?token= carries it.
        #expect(try helper.ask(api, .GET, "/v1/agent/service/deregister/web-2").status == .unauthorized)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/register?token=t", body: #"{"Name": "api", "Port": 9101}"#).status == .ok)
        #expect(try services()["api"] == "api")
    }

    @Test func endpointsSharingAnIDAcrossServicesAreNamedByService() throws {
        // Scenarios may give two services an endpoint of the same id: Consul IDs must differ.
        var state = MeshState(services: [
            Service(name: "rr", endpoints: [Endpoint(id: "o-1"), Endpoint(id: "o-2")]),
            Service(name: "ewma", endpoints: [Endpoint(id: "o-1")]),
        ])
        state.services[0].endpoints[0].state = .healthy
        #expect(state.consulIDs().map(\.id) == ["rr:o-1", "o-2", "ewma:o-1"])
        #expect(state.ref(consulID: "ewma:o-1") == EndpointRef(service: "ewma", endpoint: "o-1"))
        #expect(state.ref(consulID: "o-1") == nil)
    }

    @Test func reRegisteringKeepsCheckStatusesAndUnnamedChecks() throws {
        let control = EngineSession()
        let api = api(control)
        #expect(try register(api, #"{"Name": "api", "ID": "a-1", "Port": 9101, "Checks": [{"TTL": "30s", "CheckID": "beat"}, {"TTL": "30s", "CheckID": "disk"}]}"#).status == .ok)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/beat").status == .ok)
        // The same check again keeps its status (Consul restores it); disk, not named, stays.
        #expect(try register(api, #"{"Name": "api", "ID": "a-1", "Port": 9101, "Checks": [{"TTL": "30s", "CheckID": "beat"}]}"#).status == .ok)
        var checks = try object(try helper.ask(api, .GET, "/v1/agent/checks"))
        #expect((checks["beat"] as? [String: Any])?["Status"] as? String == "passing")
        #expect(checks["disk"] != nil)
        // ?replace-existing-checks drops what the definition does not name.
        #expect(try register(api, #"{"Name": "api", "ID": "a-1", "Port": 9101, "Checks": [{"TTL": "30s", "CheckID": "beat"}]}"#,
                             query: "?replace-existing-checks").status == .ok)
        checks = try object(try helper.ask(api, .GET, "/v1/agent/checks"))
        #expect(checks["disk"] == nil && checks["beat"] != nil)
        // A check ID names one check across the agent.
        let clash = try register(api, #"{"Name": "api", "ID": "a-2", "Port": 9102, "Check": {"TTL": "30s", "CheckID": "beat"}}"#)
        #expect(clash.status == .badRequest)
        #expect(try helper.errorText(clash) == "CheckID 'beat' is already a check of api/a-1 (check IDs name one check across the agent)")
    }
}
