import Foundation
@testable import MeshAdmin
import MeshCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// The Consul-compatible routes over a stand-in session: body checks field by field, Consul's
/// shapes, the passing filter and blocking queries.
@Suite struct ConsulAPITests {
    let helper = AdminAPITests()

    func register(_ api: AdminAPI, _ body: String) throws -> AdminResponse {
        try helper.ask(api, .PUT, "/v1/agent/service/register", body: body)
    }

    @Test func aRegistrationBecomesAnEndpoint() throws {
        let control = FakeControl()
        let api = AdminAPI(control: control, journal: EventJournal(), token: nil)
        let ok = try register(api, #"{"Name": "web", "ID": "web-9", "Address": "10.1.2.3", "Port": 8080, "Tags": ["v2"], "Meta": {"zone": "b"}, "Weights": {"Passing": 40}, "Check": {"TTL": "15s"}}"#)
        #expect(ok.status == .ok && ok.body.isEmpty)
        let expected = Endpoint(id: "web-9", address: "10.1.2.3:8080", zone: "b", weight: 40, tags: ["v2"], metadata: ["zone": "b"])
        #expect(control.registrations.last == .register(service: "web", endpoint: expected, ttl: 15))
        // Lower-case keys, as older clients send them; the ID defaults to the name.
        #expect(try register(api, #"{"name": "api", "port": 9000}"#).status == .ok)
        guard case .register(let service, let endpoint, let ttl) = control.registrations.last else { Issue.record("no registration"); return }
        #expect(service == "api" && endpoint.id == "api" && endpoint.address == "127.0.0.1:9000" && ttl == nil)
    }

    @Test func badRegistrationsNameTheField() throws {
        let control = FakeControl()
        let api = AdminAPI(control: control, journal: EventJournal(), token: nil)
        let cases: [(String, String)] = [
            ("nope", "body: not a JSON object (expected a Consul service definition)"),
            (#"{"Port": 80}"#, "body.Name: required (the service name)"),
            (#"{"Name": "web"}"#, "body.Port: required, 1...65535 (mesh-top routes to Address:Port)"),
            (#"{"Name": "web", "Port": 70000}"#, "body.Port: required, 1...65535 (mesh-top routes to Address:Port)"),
            (#"{"Name": "web", "Port": 80, "ID": "a/b"}"#, "body.ID: 'a/b' cannot be empty or contain '/'"),
            (#"{"Name": "web", "Port": 80, "Address": "not an address!"}"#, "body.Address: 'not an address!' is not a host name or IP address"),
            (#"{"Name": "web", "Port": 80, "Tags": "v2"}"#, "body.Tags: expected a list of strings"),
            (#"{"Name": "web", "Port": 80, "Weights": {"Passing": -1}}"#, "body.Weights.Passing: expected a whole number 0...10000"),
            (#"{"Name": "web", "Port": 80, "Check": {"TTL": "soon"}}"#, "body.Check.TTL: 'soon' is not a duration like 10s"),
            (#"{"Name": "web", "Port": 80, "Checks": [{"HTTP": "x"}, {"TTL": 5}]}"#, "body.Checks[1].TTL: '5' is not a duration like 10s"),
        ]
        for (body, message) in cases {
            let answer = try register(api, body)
            #expect(answer.status == .badRequest, "\(body)")
            #expect(try helper.errorText(answer) == message, "\(body)")
        }
        #expect(control.registrations.isEmpty)
    }

    @Test func reportsAndDeregistrationsByID() throws {
        let control = FakeControl()
        let api = AdminAPI(control: control, journal: EventJournal(), token: "t")
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/service:web-1").status == .unauthorized)
        // Pre-1.0 clients report with GET; it still needs the token.
        #expect(try helper.ask(api, .GET, "/v1/agent/check/fail/web-1").status == .unauthorized)
        #expect(try helper.ask(api, .GET, "/v1/agent/check/fail/web-1", token: "t").status == .ok)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/warn/service:web-1", token: "t").status == .ok)
        #expect(control.registrations == [.report(id: "web-1", passed: false), .report(id: "web-1", passed: true)])
        let unknown = try helper.ask(api, .PUT, "/v1/agent/service/deregister/zz", token: "t")
        #expect(unknown.status == .notFound)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/deregister/web-2", token: "t").status == .ok)
        #expect(control.currentState().endpoint(EndpointRef(service: "web", endpoint: "web-2")) == nil)
    }

    @Test func healthCatalogAndAgentShapes() throws {
        let control = FakeControl()
        control.set { $0.services[0].endpoints[0].address = "127.0.0.1:9001"; $0.services[0].endpoints[0].tags = ["blue"] }
        let journal = EventJournal()
        let api = AdminAPI(control: control, journal: journal, token: nil)
        let all = try helper.ask(api, .GET, "/v1/health/service/web")
        let entries = try #require(try helper.json(all) as? [[String: Any]])
        #expect(entries.count == 2)
        let first = try #require(entries.first)
        let service = try #require(first["Service"] as? [String: Any])
        #expect(service["ID"] as? String == "web-1" && service["Port"] as? Int == 9001 && service["Address"] as? String == "127.0.0.1")
        let checks = try #require(first["Checks"] as? [[String: Any]])
        #expect(checks.first?["Status"] as? String == "passing" && checks.first?["CheckID"] as? String == "service:web-1")
        #expect((first["Node"] as? [String: Any])?["Node"] as? String == "mesh-top")
        #expect(all.extraHeaders.contains { $0.0 == "X-Consul-Index" })

        // web-2 is killed: critical, so not among the passing.
        let passing = try #require(try helper.json(try helper.ask(api, .GET, "/v1/health/service/web?passing")) as? [[String: Any]])
        #expect(passing.compactMap { ($0["Service"] as? [String: Any])?["ID"] as? String } == ["web-1"])
        #expect(try helper.json(try helper.ask(api, .GET, "/v1/health/service/nosuch")) as? [Any] != nil)
        #expect(try helper.json(try helper.ask(api, .GET, "/v1/catalog/services")) as? [String: [String]] == ["web": ["blue"]])
        let agent = try #require(try helper.json(try helper.ask(api, .GET, "/v1/agent/services")) as? [String: [String: Any]])
        #expect(Set(agent.keys) == ["web-1", "web-2"])
        #expect(agent["web-1"]?["Service"] as? String == "web")
    }

    @Test func aBlockingQueryWaitsForItsServiceToChange() throws {
        let journal = EventJournal()
        let api = AdminAPI(control: FakeControl(), journal: journal, token: nil)
        journal.append(AdminAPITests.change(seq: 1))
        let index = try #require(try helper.ask(api, .GET, "/v1/health/service/web").extraHeaders.first { $0.0 == "X-Consul-Index" }?.1)
        #expect(index == "1")
        let waiting = api.respond(to: AdminRequest(method: .GET, uri: "/v1/health/service/web?index=1&wait=60s"), on: helper.group.next())
        // Another service's news does not answer it; web's does.
        journal.append(MeshEvent(seq: 2, t: 2, body: .endpointState(StateChange(
            endpoint: EndpointRef(service: "other", endpoint: "o1"), from: .unknown, to: .healthy, reason: "t"))))
        Thread.sleep(forTimeInterval: 0.2)
        let started = Date()
        journal.append(AdminAPITests.change(seq: 3))
        let answer = try waiting.wait()
        // Woken by web's event, not by the end of the wait (generous on a loaded machine).
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(answer.extraHeaders.first { $0.0 == "X-Consul-Index" }?.1 == "3")
        // Nothing new: it waits out `wait` and answers with the same index.
        let quiet = Date()
        let same = try helper.ask(api, .GET, "/v1/health/service/web?index=3&wait=300ms")
        #expect(Date().timeIntervalSince(quiet) >= 0.29)
        #expect(same.extraHeaders.first { $0.0 == "X-Consul-Index" }?.1 == "3")
    }
}
